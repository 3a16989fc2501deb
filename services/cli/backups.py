"""`smartcity backup DIR` and `smartcity restore DIR`: the store's data in MongoDB's dump
layout, from and to the embedded store or a MongoDB (`--mongodb-uri`). The same folder is
read by MongoDB's own `mongorestore`: the path from a pilot to production."""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path
from typing import Any

from services.cli.connection import settings
from services.embedded import backups
from services.embedded.dump_layout import Damaged
from services.embedded.store_folder import StoreFolder
from services.messages import N_, _
from services.stack import state
from services.stack.errors import StackError
from services.stack.store_notices import NOTICES

REFUSED = {
    "target": N_("{detail} is not empty: back up into a new or empty folder."),
    "documents": N_(
        "These collections already hold documents: {detail}. Nothing was written; add "
        "--replace to replace them."
    ),
    "folder": N_(
        "The embedded store in {detail} holds data. Nothing was written; add --replace to "
        "set it aside and restore over it."
    ),
}


def add(commands: Any) -> None:
    backup = commands.add_parser(
        "backup", help=_("write the store's data to a folder, in MongoDB's dump layout")
    )
    backup.add_argument("folder", type=Path)
    backup.add_argument(
        "--mongodb-uri", help=_("a MongoDB to back up instead of the embedded store")
    )
    backup.set_defaults(run=_backup)

    restore = commands.add_parser(
        "restore", help=_("load a folder in MongoDB's dump layout into the store")
    )
    restore.add_argument("folder", type=Path)
    restore.add_argument(
        "--mongodb-uri", help=_("a MongoDB to restore into instead of the embedded store")
    )
    restore.add_argument("--replace", action="store_true", help=_("replace what the store holds"))
    restore.set_defaults(run=_restore)


def _backup(args: argparse.Namespace) -> int:
    chosen = settings()
    try:
        uri = args.mongodb_uri or state.running_store(chosen.data_dir)
        if uri:
            written = backups.backup_mongodb(uri, args.folder)
        else:
            written, notices = backups.backup_folder(StoreFolder(chosen.store_folder), args.folder)
            for notice in notices:
                print(_(NOTICES[notice.key]).format(**notice.values))
    except backups.Refused as refused:
        raise StackError(_(REFUSED[refused.what]).format(detail=refused.detail)) from None
    said = _("{collections} collections, {documents} documents written to {folder}.")
    print(
        said.format(collections=len(written), documents=sum(written.values()), folder=args.folder)
    )
    return 0


def _restore(args: argparse.Namespace) -> int:
    chosen = settings()
    try:
        if args.mongodb_uri:
            written = backups.restore_mongodb(args.mongodb_uri, args.folder, replace=args.replace)
            said = _("{collections} collections, {documents} documents restored.")
            print(said.format(collections=len(written), documents=sum(written.values())))
            return 0
        if state.read(chosen.data_dir) is not None:
            raise StackError(
                _("A stack is running from {folder}: stop it first, or restore into its store "
                  "with --mongodb-uri.").format(folder=chosen.data_dir)
            )  # fmt: skip
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        aside = chosen.data_dir / "set-aside" / stamp / "store"
        count = backups.restore_folder(
            StoreFolder(chosen.store_folder), args.folder, replace=args.replace, aside=aside
        )
    except backups.Refused as refused:
        raise StackError(_(REFUSED[refused.what]).format(detail=refused.detail)) from None
    except Damaged as damaged:
        said = _("{path} cannot be read ({reason}): nothing was restored.")
        raise StackError(said.format(path=damaged.path, reason=damaged.reason)) from None
    said = _("{collections} collections restored into the embedded store in {folder}; "
             "`smartcity up` starts from them.")  # fmt: skip
    print(said.format(collections=count, folder=chosen.store_folder))
    if args.replace and aside.exists():
        print(_("What it held before is in {folder}.").format(folder=aside))
    return 0
