"""Entering ledger records by hand (台账录入): checking a draft field by field, reading the lines
of an invoice or a receipt as an operator types them, and the day's records.

A form checks what was typed exactly as the ledger will: :func:`check_draft` builds the record
the way :func:`core.ledger.files.write_batch` does, and when a validator refuses it, names the
field whose validator it was, so the message can stand under that field. Lines are typed one per
line, ``CODE QUANTITY PRICE`` for an invoice (price in yuan), ``CODE QUANTITY [REASON
[SUBSTITUTE]]`` for a receipt, ``NAME AMOUNT`` for a fee; :func:`format_invoice_lines` and the
others write them back the same way, so a form can be filled from a record.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

import attrs

from core.ledger.files import Draft, batch_directory, read_batch
from core.ledger.records import (
    Difference,
    Fee,
    InvoiceLine,
    ReceiptLine,
    Record,
    id_key,
)
from core.reference import CatalogueItem
from core.registers.columns import BadValue, fen_to_yuan, yuan_to_fen

#: a parsed line of a typed list (an invoice line, a fee, a receipt line)
Line = TypeVar("Line")

#: what a draft is checked with in place of what only writing it gives it
_PLACEHOLDERS = {"id": "19700101-0001-1", "uid": "00000000-0000-4000-8000-000000000000"}


@attrs.frozen
class FieldError:
    """Why a field (``field``; empty when the record as a whole is refused) cannot be saved;
    ``line`` is the 1-based line of a multi-line field, 0 for the field as a whole."""

    field: str
    message: str
    line: int = 0

    def render(self) -> str:
        return f"line {self.line}: {self.message}" if self.line else self.message


class EntryError(ValueError):
    """What was typed cannot become a record: every :class:`FieldError` found."""

    def __init__(self, errors: Sequence[FieldError]) -> None:
        super().__init__("; ".join(f"{e.field}: {e.render()}" if e.field else e.render()
                                   for e in errors))
        self.errors = tuple(errors)


def check_draft(draft: Draft, *, operator: str) -> list[FieldError]:
    """Why ``draft`` would be refused when written by ``operator``; empty when it would not."""
    fields: dict[str, Any] = {"operator": operator, **_PLACEHOLDERS, **draft.fields}
    fields.setdefault("recorded", fields.get("time"))
    try:
        draft.kind(**fields)
    except (ValueError, TypeError) as exc:
        return [FieldError(_pin(draft.kind, fields), str(exc))]
    return []


def _pin(cls: type[Record], fields: Mapping[str, Any]) -> str:
    """The field whose own validator refuses its value, or '' (a rule over several fields)."""
    for field in attrs.fields(cls):
        if field.validator is None or field.name not in fields:
            continue
        try:
            field.validator(None, field, fields[field.name])
        except (ValueError, TypeError):
            return str(field.name)
    return ""


def amount_fen(text: str) -> int:
    """An amount typed in yuan (``32.9``, ``1,200``, ``¥5``) as fen; ``ValueError`` if not."""
    text = text.strip()
    if not text:
        raise BadValue("give an amount in yuan, e.g. 32.50")
    return yuan_to_fen(text)


def quantity(text: str, *, signed: bool = False) -> int:
    """A whole number typed (``-3`` only if ``signed``); ``ValueError`` if not."""
    text = text.strip().replace(",", "")
    if not re.fullmatch(r"[+-]?\d+" if signed else r"\+?\d+", text):
        raise BadValue(f"{text!r} is not a whole number" if text else "give a whole number")
    return int(text)


def _parse_lines(text: str, field: str, parse: Callable[[list[str]], Line]) -> tuple[Line, ...]:
    """Each non-blank line of ``text``, split into words, through ``parse``; an
    :class:`EntryError` naming every line it refused (by its number), or every line parsed."""
    found: list[Line] = []
    errors: list[FieldError] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            found.append(parse(line.split()))
        except ValueError as exc:
            errors.append(FieldError(field, str(exc), number))
    if errors:
        raise EntryError(errors)
    return tuple(found)


def item_code(word: str, catalogue: Mapping[str, CatalogueItem]) -> str:
    """A goods item typed as its code, or its Chinese or English name."""
    if word in catalogue:
        return word
    for code, item in catalogue.items():
        if word in (item.name, item.name_en):
            return code
    raise BadValue(f"no item {word!r} in the catalogue")


def parse_invoice_lines(text: str, catalogue: Mapping[str, CatalogueItem], *,
                        field: str = "lines") -> tuple[InvoiceLine, ...]:
    """``CODE QUANTITY PRICE`` per line (price in yuan; the item may be its name, spaces and
    all); :class:`EntryError` naming each bad line."""
    def line(words: list[str]) -> InvoiceLine:
        if len(words) < 3:
            raise BadValue("write CODE QUANTITY PRICE, e.g. rice-5kg 2 32.90")
        return InvoiceLine(item=item_code(" ".join(words[:-2]), catalogue),
                           quantity=quantity(words[-2]), unit_price_fen=amount_fen(words[-1]))

    return _parse_lines(text, field, line)


def format_invoice_lines(lines: Sequence[InvoiceLine]) -> str:
    return "\n".join(f"{line.item} {line.quantity} {fen_to_yuan(line.unit_price_fen)}"
                     for line in lines)


def parse_fees(text: str, *, field: str = "fees") -> tuple[Fee, ...]:
    """``NAME AMOUNT`` per line (the name may have spaces; amount in yuan)."""
    def fee(words: list[str]) -> Fee:
        if len(words) < 2:
            raise BadValue("write NAME AMOUNT, e.g. 配送费 5.00")
        return Fee(name=" ".join(words[:-1]), amount_fen=amount_fen(words[-1]))

    return _parse_lines(text, field, fee)


def format_fees(fees: Sequence[Fee]) -> str:
    return "\n".join(f"{fee.name} {fen_to_yuan(fee.amount_fen)}" for fee in fees)


def parse_receipt_lines(text: str, catalogue: Mapping[str, CatalogueItem], *,
                        field: str = "lines") -> tuple[ReceiptLine, ...]:
    """``CODE QUANTITY [short|damaged|refused|substituted [SUBSTITUTE]]`` per line."""
    reasons = ", ".join(d.value for d in Difference)

    def line(words: list[str]) -> ReceiptLine:
        if not 2 <= len(words) <= 4:
            raise BadValue("write CODE QUANTITY [REASON [SUBSTITUTE]], e.g. eggs-30 1 damaged")
        difference = None
        if len(words) > 2:
            try:
                difference = Difference(words[2].lower())
            except ValueError:
                raise BadValue(f"{words[2]!r} is not a reason ({reasons})") from None
        substitute = item_code(words[3], catalogue) if len(words) > 3 else ""
        return ReceiptLine(item=item_code(words[0], catalogue), quantity=quantity(words[1]),
                           difference=difference, substitute=substitute)

    return _parse_lines(text, field, line)


def format_receipt_lines(lines: Sequence[ReceiptLine]) -> str:
    out = []
    for line in lines:
        words = [line.item, str(line.quantity)]
        if line.difference is not None:
            words.append(line.difference.value)
            if line.substitute:
                words.append(line.substitute)
        out.append(" ".join(words))
    return "\n".join(out)


def written_on(root: Path, day: date, kind: type[Record] | None = None) -> list[Record]:
    """The records written on ``day`` (the batches of that day's folder), of ``kind`` if given,
    newest first; records of unreadable batches are left out (``baogong check`` names them)."""
    directory = batch_directory(root, day)
    if not directory.is_dir():
        return []
    found = [record for path in directory.glob("*.toml") if not path.name.startswith(".")
             for record in read_batch(path).records
             if kind is None or type(record) is kind]
    return sorted(found, key=lambda r: id_key(r.id), reverse=True)


def reversed_ids(records: Sequence[Record]) -> dict[str, str]:
    """Record id -> the id of the record among ``records`` that reverses it."""
    return {r.reverses: r.id for r in records if r.reverses}
