from pathlib import Path

import pytest

from services.kernel import errors
from services.kernel.settings import Settings


def test_settings_come_from_the_mapping_with_in_memory_defaults():
    settings = Settings.from_env({"NATS_URL": "nats://10.0.0.1:4222"})
    assert (settings.mongodb_uri, settings.nats_url, settings.jwt_secret) == (
        "mongomock://localhost", "nats://10.0.0.1:4222", None,
    )  # fmt: skip
    assert settings.mongo_is_in_memory


def test_a_development_secret_is_created_once_and_reused(tmp_path: Path):
    settings = Settings.from_env({"HOME": str(tmp_path)})
    first = settings.with_development_secret().jwt_secret
    assert first and first == settings.with_development_secret().jwt_secret
    kept = tmp_path / ".config" / "smartcity" / "jwt-secret"
    assert kept.stat().st_mode & 0o777 == 0o600


def test_an_explicit_secret_wins(tmp_path: Path):
    settings = Settings.from_env(
        {
            "SMARTCITY_JWT_SECRET": "Hq8w2Zr5Tk1Vn7Xc4Lm9Pd6Fs0Jg3Yb5Ne8Ua2Oi7",
            "SMARTCITY_DATA_DIR": str(tmp_path),
        }
    )
    assert (
        settings.with_development_secret().jwt_secret == "Hq8w2Zr5Tk1Vn7Xc4Lm9Pd6Fs0Jg3Yb5Ne8Ua2Oi7"
    )
    assert not (tmp_path / "jwt-secret").exists()


def test_located_prefixes_every_problem_field():
    problems = errors.ProblemCollector()
    problems.add("percent", "too high")
    problems.add("evidence[0]", "not a URL")
    with pytest.raises(errors.InvalidInput) as raised, errors.located("input"):
        problems.raise_if_any()
    assert [p.field for p in raised.value.problems] == ["input.percent", "input.evidence[0]"]
    assert raised.value.field == "input.percent"


def test_settings_read_back_from_the_environment_they_give_a_child_process(tmp_path: Path):
    settings = Settings.from_env(
        {"SMARTCITY_JWT_SECRET": "Hq8w2Zr5Tk1Vn7Xc4Lm9Pd6Fs0Jg3Yb5Ne8Ua2Oi7",
         "SMARTCITY_DATA_DIR": str(tmp_path), "SMARTCITY_RULE_WORKERS": "3",
         "SMARTCITY_RULE_TIMEOUT_SECONDS": "2.5", "MONGODB_URI": "mongodb://db:27017"}
    )  # fmt: skip

    assert (settings.rule_workers, settings.rule_timeout_seconds) == (3, 2.5)
    assert Settings.from_env(settings.as_env()) == settings
