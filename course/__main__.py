"""Command line: ``python -m course validate | lint | schema | facilitator | backup | restore |
purge``."""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from course.lint import lint, lint_json, lint_text
from course.loader import default_root, load_course
from course.schema import KINDS, combined_schema, file_schema

if TYPE_CHECKING:
    from course.store import Facilitators


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line and return the exit status."""
    args = _parser().parse_args(argv)
    status: int = args.run(args)
    return status


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m course", description=__doc__)
    commands = parser.add_subparsers(required=True, metavar="COMMAND")
    validate = commands.add_parser("validate", help="check lessons, quizzes and course.yaml")
    validate.add_argument(
        "--root",
        type=Path,
        default=None,
        help="content root (default: $COURSE_ROOT or the repository)",
    )
    validate.add_argument("--strict", action="store_true", help="treat warnings as errors")
    validate.set_defaults(run=_validate)
    lint = commands.add_parser("lint", help="reading grade, stigmatizing words, sources, reviews")
    lint.add_argument("--root", type=Path, default=None, help="content root")
    lint.add_argument("--json", action="store_true", help="print the report as JSON")
    lint.add_argument(
        "--language", default="en", choices=("en", "es"),
        help="lint the English (default) or a translation: Spanish reading ease and words",
    )  # fmt: skip
    lint.add_argument(
        "--strict",
        action="store_true",
        help="fail on a lesson above grade 8, a flagged word or a passed check-again date",
    )
    lint.set_defaults(run=_lint)
    schema = commands.add_parser("schema", help="print the JSON Schema of content files")
    schema.add_argument("--kind", choices=sorted(KINDS), help="one kind of file (default: all)")
    schema.add_argument("--out", type=Path, help="write each kind's .schema.json here")
    schema.set_defaults(run=_schema)
    _add_facilitator_parser(commands)
    _add_data_parsers(commands)
    _add_translations_parser(commands)
    messages = commands.add_parser(
        "messages", help="the app's own strings a language's catalogue lacks (course/locale)"
    )
    messages.add_argument("--language", default="es")
    messages.add_argument("--po", type=Path, help="add the sources' missing strings to this .po")
    messages.add_argument("source", type=Path, nargs="*", help="source files (default: all)")
    messages.set_defaults(run=_messages)
    return parser


def _messages(args: argparse.Namespace) -> int:
    from course import i18n_tools

    files = [p.resolve() for p in args.source] or None
    if args.po:
        added = i18n_tools.add_to_po(args.po, args.language, files or i18n_tools.sources())
        print(f"{args.po}: added {added} string(s) to translate")
        return 0
    gaps = i18n_tools.missing(args.language, files)
    for gap in gaps:
        print(f"{gap.file}:{gap.line}: not in the {args.language} catalogue: {gap.key!r}")
    print(f"{len(gaps)} untranslated string(s)", file=sys.stderr)
    return 1 if gaps else 0


def _add_translations_parser(commands: argparse._SubParsersAction[Any]) -> None:
    from course.translation import TRANSLATED

    translations = commands.add_parser(
        "translations",
        help="status of each translated lesson and quiz; start or stamp a translation",
    )
    translations.add_argument("--root", type=Path, default=None, help="content root")
    translations.add_argument("--language", choices=TRANSLATED, default=TRANSLATED[0])
    translations.add_argument("--json", action="store_true", help="print the status as JSON")
    translations.add_argument(
        "--start", metavar="ENGLISH_FILE",
        help="write the start of a translation of this file (e.g. lessons/x.yaml), with "
        "its ids and the English texts to translate in place",
    )  # fmt: skip
    translations.add_argument(
        "--stamp", metavar="TRANSLATION_FILE",
        help="after translating or updating: record the English each unit now comes from",
    )  # fmt: skip
    translations.add_argument(
        "--strict", action="store_true",
        help="fail unless every file is translated, current and free of errors",
    )  # fmt: skip
    translations.set_defaults(run=_translations)


def _add_data_parsers(commands: argparse._SubParsersAction[Any]) -> None:
    backup = commands.add_parser(
        "backup", help="copy every table of the database ($COURSE_DATABASE_URL) to one file"
    )
    backup.add_argument(
        "file", type=Path, nargs="?",
        help="where to write it (default: data/backups/course-<UTC time>.jsonl.gz)",
    )  # fmt: skip
    backup.set_defaults(run=_backup)
    restore = commands.add_parser(
        "restore", help="load a backup into an empty database, then upgrade it"
    )
    restore.add_argument("file", type=Path)
    restore.set_defaults(run=_restore)
    purge = commands.add_parser(
        "purge", help="remove learners (and all of theirs) not seen for a number of days"
    )
    purge.add_argument("--inactive-days", type=int, required=True, metavar="N")
    purge.add_argument("--yes", action="store_true", help="remove them (without: only count)")
    purge.set_defaults(run=_purge)


def _backup(args: argparse.Namespace) -> int:
    from course.store import make_engine
    from course.store.backup import BackupError, backup
    from course.store.db import DEFAULT_SQLITE

    now = dt.datetime.now(dt.UTC)
    file = args.file or DEFAULT_SQLITE.parent / "backups" / f"course-{now:%Y%m%dT%H%M%SZ}.jsonl.gz"
    engine = make_engine()
    try:
        made = backup(engine, file, now)
    except BackupError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    finally:
        engine.dispose()
    print(f"backed up {made.total} rows of {len(made.rows)} tables (schema {made.revision}) "
          f"to {file}")  # fmt: skip
    return 0


def _restore(args: argparse.Namespace) -> int:
    from course.store import make_engine
    from course.store.backup import BackupError, restore

    if not args.file.is_file():
        print(f"error: no file {args.file}", file=sys.stderr)
        return 1
    engine = make_engine()
    try:
        made = restore(engine, args.file)
    except (BackupError, OSError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    finally:
        engine.dispose()
    print(f"restored {made.total} rows of {len(made.rows)} tables (schema {made.revision}), "
          "then upgraded to the newest schema")  # fmt: skip
    return 0


def _purge(args: argparse.Namespace) -> int:
    from course.store import Store
    from course.store.retention import inactive_learners

    if args.inactive_days < 1:
        print("error: --inactive-days must be 1 or more", file=sys.stderr)
        return 1
    before = dt.datetime.now(dt.UTC) - dt.timedelta(days=args.inactive_days)
    store = Store()
    try:
        found = inactive_learners(store.engine, before)
        if not args.yes:
            print(f"{len(found)} learner(s) not seen for {args.inactive_days} days; "
                  "add --yes to remove them and everything of theirs")  # fmt: skip
            return 0
        rows = sum(store.delete_learner(learner) for learner in found)
    finally:
        store.close()
    print(f"removed {len(found)} learner(s) not seen for {args.inactive_days} days "
          f"({rows} rows)")  # fmt: skip
    return 0


def _validate(args: argparse.Namespace) -> int:
    root = args.root or default_root()
    result = load_course(root, strict=args.strict)
    for problem in result.problems:
        print(problem)
    course = result.course
    served = (
        f"{len(course.lessons)} lesson(s) and {len(course.quizzes)} quiz(zes) ready"
        if course
        else "nothing can be served"
    )
    print(
        f"{len(result.errors)} error(s), {len(result.warnings)} warning(s); {served} ({root})",
        file=sys.stderr,
    )
    return 1 if result.errors else 0


def _translations(args: argparse.Namespace) -> int:
    from course import translation
    from course.yamlsafe import read

    root = args.root or default_root()
    if args.start or args.stamp:
        rel = (args.start or args.stamp).strip("/")
        parts = rel.split("/")
        if args.stamp and (len(parts) != 3 or parts[1] != args.language):
            print(f"error: {rel} is not a translation: stamp a file such as "
                  f"lessons/{args.language}/<id>.yaml", file=sys.stderr)  # fmt: skip
            return 1
        english_rel = rel if args.start else f"{parts[0]}/{parts[-1]}"
        result = load_course(root)
        english = next(
            ((rel_, model) for rel_, model in _english_models(result) if rel_ == english_rel),
            None,
        )
        if english is None:
            print(f"error: {english_rel} is not an English file that loads cleanly; "
                  "run `python -m course validate`", file=sys.stderr)  # fmt: skip
            return 1
        english_doc = read((root / english_rel).read_bytes())
        if args.start:
            target = root / translation.translation_path(english_rel, args.language)
            if target.exists():
                print(f"error: {target} already exists", file=sys.stderr)
                return 1
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(
                translation.skeleton(english_doc.data, english[1], english_rel, args.language),
                "utf-8",
            )
            made = target.relative_to(root)
            print(f"wrote {made}: translate each text in place, then run "
                  f"`python -m course translations --stamp {made}`")  # fmt: skip
            return 0
        if not (root / rel).is_file():
            print(f"error: no file {rel}", file=sys.stderr)
            return 1
        said = translation.stamp(root, rel, english_doc, english[1])
        print(f"{rel}: stamped {', '.join(said)}" if said else f"{rel}: already current")
        return 0
    result = load_course(root)
    rows = list(translation.report_rows(result.translations, args.language))
    if args.json:
        print(json.dumps(rows, indent=2))
    else:
        print(_translation_table(rows))
    done = all(r["status"] == "translated" for r in rows)
    return 1 if args.strict and not (rows and done) else 0


def _english_models(result: Any) -> list[tuple[str, Any]]:
    course = result.course
    if course is None:
        return []
    found: list[tuple[str, Any]] = [("lessons/course.yaml", course.manifest)]
    found += [(f"lessons/{i}.yaml", lesson) for i, lesson in course.lessons.items()]
    found += [(f"quizzes/{i}.yaml", quiz) for i, quiz in course.quizzes.items()]
    return found


def _translation_table(rows: list[dict[str, Any]]) -> str:
    if not rows:
        return "no translations (make a folder such as lessons/es/ to start one)"
    width = max(len(r["file"]) for r in rows)
    lines = [f"{'file':<{width}}  {'status':<10}  {'to do':>5}  review"]
    for row in rows:
        todo = row["untranslated"] + len(row["stale"]) + row["unstamped"] + row["errors"]
        review = row["reviewed"] or "pending professional review"
        if row["status"] == "missing":
            review = "-"
        lines.append(f"{row['file']:<{width}}  {row['status']:<10}  {todo:>5}  {review}")
    counts: dict[str, int] = {}
    for row in rows:
        counts[row["status"]] = counts.get(row["status"], 0) + 1
    lines.append(", ".join(f"{n} {status}" for status, n in sorted(counts.items())))
    return "\n".join(lines)


def _lint(args: argparse.Namespace) -> int:
    if args.language != "en":
        from course.lint_es import lint_spanish, lint_spanish_json, lint_spanish_text

        found = lint_spanish(args.root or default_root(), args.language)
        print(
            json.dumps(lint_spanish_json(found), indent=2)
            if args.json
            else lint_spanish_text(found)
        )
        return 1 if args.strict and not found.is_clean() else 0
    report = lint(args.root or default_root(), today=dt.date.today())
    print(json.dumps(lint_json(report), indent=2) if args.json else lint_text(report))
    return 1 if args.strict and not report.is_clean() else 0


def _schema(args: argparse.Namespace) -> int:
    if args.out:
        args.out.mkdir(parents=True, exist_ok=True)
        for kind in sorted(KINDS):
            text = json.dumps(file_schema(kind), indent=2, ensure_ascii=False) + "\n"
            (args.out / f"{kind}.schema.json").write_text(text, encoding="utf-8")
        return 0
    schema = file_schema(args.kind) if args.kind else combined_schema()
    print(json.dumps(schema, indent=2, ensure_ascii=False))
    return 0


def _add_facilitator_parser(commands: argparse._SubParsersAction[Any]) -> None:
    facilitator = commands.add_parser("facilitator", help="add and list facilitator accounts")
    actions = facilitator.add_subparsers(required=True, metavar="ACTION")
    add = actions.add_parser("add", help="create an account (password prompted, or one stdin line)")
    add.add_argument("name", help="a login handle, not a real name: 3-40 of a-z 0-9 . _ -")
    add.set_defaults(run=_facilitator_add)
    passwd = actions.add_parser("passwd", help="set a new password for an account")
    passwd.add_argument("name")
    passwd.set_defaults(run=_facilitator_passwd)
    listing = actions.add_parser("list", help="print every facilitator's username")
    listing.set_defaults(run=_facilitator_list)


def _facilitator_add(args: argparse.Namespace) -> int:
    def add(accounts: Facilitators, password: str) -> str:
        accounts.add(args.name, password, dt.datetime.now(dt.UTC))
        return f"added facilitator {args.name.strip().lower()!r}"

    return _with_password(add)


def _facilitator_passwd(args: argparse.Namespace) -> int:
    def change(accounts: Facilitators, password: str) -> str:
        accounts.set_password(args.name, password)
        return f"changed the password of {args.name.strip().lower()!r}"

    return _with_password(change)


def _facilitator_list(args: argparse.Namespace) -> int:
    from course.store import Facilitators, Store

    store = Store()
    try:
        for name in Facilitators(store.engine).usernames():
            print(name)
    finally:
        store.close()
    return 0


def _with_password(action: Callable[[Facilitators, str], str]) -> int:
    """Read a password, open the store (COURSE_DATABASE_URL), run action; 1 on a clear error."""
    # Imported here: validate, lint and schema need neither SQLAlchemy nor Argon2.
    from course.store import Facilitators, Store

    try:
        password = _read_password()
        store = Store()
        try:
            print(action(Facilitators(store.engine), password))
        finally:
            store.close()
    except (ValueError, LookupError) as error:  # WeakPassword is a ValueError
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


def _read_password() -> str:
    """Prompt twice on a terminal; otherwise read one line from stdin (for scripts and tests)."""
    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\r\n")
    password = getpass.getpass("Password: ")
    if getpass.getpass("Password again: ") != password:
        raise ValueError("the passwords do not match")
    return password


if __name__ == "__main__":
    sys.exit(main())
