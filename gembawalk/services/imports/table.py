"""Reading an import file: UTF-8 with or without a byte-order mark, comma, semicolon (as Excel
saves CSV in Dutch and other locales) or tab between the fields, a first line naming them."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from flask_babel import gettext, ngettext

from ..errors import Invalid

SEPARATORS = (",", ";", "\t")
# Between several values in one field (roles; units led), and between the units of a path.
LIST_SEPARATOR = ";"
PATH_SEPARATOR = "/"


@dataclass(frozen=True)
class Row:
    line: int  # where the row starts in the file, the header being line 1
    values: dict[str, str]


def _column(name: str) -> str:
    """ "Org unit", "org_unit" and " ORG-UNIT " name the same column."""
    return "_".join(name.strip().lower().replace("-", " ").replace("_", " ").split())


def _text(content: bytes) -> str:
    try:
        return content.decode("utf-8-sig")  # drops the byte-order mark Excel writes
    except UnicodeDecodeError as exc:
        line = content[: exc.start].count(b"\n") + 1
        raise Invalid(
            gettext(
                "Line %(line)d: the file is not UTF-8. In Excel, save it as "
                "“CSV UTF-8 (Comma delimited)”.",
                line=line,
            )
        ) from exc


def _separator(header: str, required: tuple[str, ...]) -> str:
    """The separator that splits the first line into the columns we know: Excel writes a
    semicolon where the decimal mark is a comma, so the header decides, not the locale."""
    best, found = ",", -1
    for separator in SEPARATORS:
        names = {_column(n) for n in next(csv.reader([header], delimiter=separator), [])}
        if set(required) <= names:
            return separator
        if len(names) > found:
            best, found = separator, len(names)
    return best


def read(
    content: bytes, columns: tuple[str, ...], required: tuple[str, ...]
) -> tuple[list[str], list[Row], list[tuple[int, str]]]:
    """The columns the file names, its rows, each value trimmed (a short row's missing
    fields are empty), and the lines that hold too many fields. Refuses (Invalid) a file
    that is not UTF-8, names an unknown column or lacks a required one, or holds no rows."""
    text = _text(content)
    if "\x00" in text:
        raise Invalid(
            gettext("The file holds a NUL character: is it a spreadsheet rather than CSV?")
        )
    header = text.split("\n", 1)[0]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_separator(header, required))
    try:
        names = [_column(n) for n in next(reader)]
    except StopIteration:
        raise Invalid(gettext("The file is empty.")) from None
    except csv.Error as exc:
        raise Invalid(gettext("Line %(line)d: %(problem)s.", line=1, problem=exc)) from exc
    unknown = [n for n in names if n and n not in columns]
    missing = [n for n in required if n not in names]
    doubled = sorted({n for n in names if n and names.count(n) > 1})
    faults = []
    if unknown:
        faults.append(
            ngettext(
                "unknown column %(names)s",
                "unknown columns %(names)s",
                len(unknown),
                names=", ".join(unknown),
            )
        )
    if missing:
        faults.append(
            ngettext(
                "missing column %(names)s",
                "missing columns %(names)s",
                len(missing),
                names=", ".join(missing),
            )
        )
    if doubled:
        faults.append(
            ngettext(
                "column named twice: %(names)s",
                "columns named twice: %(names)s",
                len(doubled),
                names=", ".join(doubled),
            )
        )
    if faults:
        raise Invalid(
            gettext(
                "Line 1: %(faults)s. The first line names the columns: %(columns)s "
                "(%(required)s required).",
                faults="; ".join(faults),
                columns=", ".join(columns),
                required=", ".join(required),
            )
        )
    rows: list[Row] = []
    problems: list[tuple[int, str]] = []
    line = reader.line_num + 1
    try:
        for fields in reader:
            if any(f.strip() for f in fields):
                if len(fields) > len(names):
                    problems.append(
                        (
                            line,
                            # More fields than names: always two or more.
                            gettext(
                                "%(num)d fields where the first line names %(named)d",
                                num=len(fields),
                                named=len(names),
                            ),
                        )
                    )
                    line = reader.line_num + 1
                    continue
                padded = fields + [""] * (len(names) - len(fields))
                values = {n: f.strip() for n, f in zip(names, padded, strict=True) if n}
                rows.append(Row(line, values))
            line = reader.line_num + 1
    except csv.Error as exc:
        raise Invalid(gettext("Line %(line)d: %(problem)s.", line=line, problem=exc)) from exc
    if not rows and not problems:
        raise Invalid(gettext("The file names its columns but holds no rows."))
    return [n for n in names if n], rows, problems


def split(value: str, separator: str = LIST_SEPARATOR) -> list[str]:
    """ "a; b;;c" as ["a", "b", "c"]."""
    return [part.strip() for part in value.split(separator) if part.strip()]


def path(value: str) -> tuple[str, ...]:
    """ "Eastmere Council / Housing / Repairs" as its units from the top."""
    return tuple(" ".join(part.split()) for part in value.split(PATH_SEPARATOR) if part.strip())


def shown(units: tuple[str, ...]) -> str:
    return f" {PATH_SEPARATOR} ".join(units)
