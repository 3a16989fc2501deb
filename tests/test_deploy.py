"""The deployment files name every service on its contract port with the probes and secrets
the services expect. (No container runtime runs here: these are checks of the files.)"""

from pathlib import Path

import yaml

from services.registry import SERVICES

DEPLOY = Path(__file__).resolve().parents[1] / "deploy"


def kubernetes_objects() -> list[dict]:
    kustomization = yaml.safe_load((DEPLOY / "kubernetes" / "kustomization.yaml").read_text())
    objects = []
    for name in kustomization["resources"]:
        objects += [o for o in yaml.safe_load_all((DEPLOY / "kubernetes" / name).read_text()) if o]
    return objects


def test_compose_runs_each_service_on_its_port_with_a_readiness_check_on_a_replicated_cluster():
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())["services"]
    for name, service in SERVICES.items():
        spec = compose[name]
        assert spec["command"][:3] == [name, "--port", str(service.port)]
        assert f":{service.port}/readyz" in " ".join(spec["healthcheck"]["test"])
        assert all(d["condition"] == "service_healthy" for d in spec["depends_on"].values())
    assert {f"nats{n}" for n in (1, 2, 3)} <= compose.keys()
    assert {f"mongo{n}" for n in (1, 2, 3)} <= compose.keys()
    assert compose["scoring"]["environment"]["SMARTCITY_STREAM_REPLICAS"] == "3"
    assert "replicaSet=rs0" in compose["scoring"]["environment"]["MONGODB_URI"]
    assert "--routes" in compose["nats1"]["command"]


def test_each_kubernetes_deployment_has_probes_resources_autoscaling_and_its_secrets():
    objects = kubernetes_objects()
    by_kind: dict[str, dict[str, dict]] = {}
    for o in objects:
        by_kind.setdefault(o["kind"], {})[o["metadata"]["name"]] = o
    secret_keys = set(by_kind["Secret"]["smartcity"]["stringData"])
    for name, service in SERVICES.items():
        container = by_kind["Deployment"][name]["spec"]["template"]["spec"]["containers"][0]
        assert container["args"][:3] == [name, "--port", str(service.port)]
        assert container["readinessProbe"]["httpGet"] == {"path": "/readyz", "port": service.port}
        assert container["livenessProbe"]["httpGet"] == {"path": "/healthz", "port": service.port}
        assert {"cpu", "memory"} <= container["resources"]["requests"].keys()
        used = {e["valueFrom"]["secretKeyRef"]["key"] for e in container["env"]}
        assert "jwt-secret" in used and used <= secret_keys
        assert ("mongodb-uri" in used) == (name != "gateway")
        assert by_kind["HorizontalPodAutoscaler"][name]["spec"]["scaleTargetRef"]["name"] == name
        assert by_kind["Service"][name]["spec"]["ports"][0]["port"] == service.port
    assert by_kind["StatefulSet"]["nats"]["spec"]["replicas"] == 3
    assert by_kind["ConfigMap"]["smartcity"]["data"]["SMARTCITY_STREAM_REPLICAS"] == "3"


def test_the_image_serves_the_command_line():
    dockerfile = (DEPLOY / "Dockerfile").read_text()
    assert 'ENTRYPOINT ["smartcity", "serve", "--host", "0.0.0.0"]' in dockerfile
    assert "USER smartcity" in dockerfile
