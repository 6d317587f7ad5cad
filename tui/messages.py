"""Finding every English message the app shows, for the translation catalogue and its test.

Messages are the string literals passed to ``_()`` and to the widgets that translate their
labels (``Tr``, ``Binding`` descriptions, picker titles...), plus the message tables
(dialog titles, field messages...). Names of domain values are not messages: they come in both
languages from :mod:`core.names`. ``python -m tui.messages`` lists the messages the Chinese
catalogue lacks.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

from babel.messages.pofile import read_po

PACKAGE = Path(__file__).parent
PO_FILE = PACKAGE / "locale" / "zh_CN" / "LC_MESSAGES" / "baogong.po"

#: callable name -> (positions of translated arguments, translated keywords)
CALLS: dict[str, tuple[tuple[int, ...], tuple[str, ...]]] = {
    "_": ((0,), ()),
    "Tr": ((0,), ()),
    "Binding": ((2,), ("description",)),
    "PickerField": ((0,), ("empty",)),
    "Picker": ((0,), ()),
    "DeskHeader": ((0,), ()),
    "TextField": ((), ("placeholder",)),
    "Confirm": ((1, 2), ("yes", "no")),
    "__init__": ((0,), ()),  # FlagsField's call of PickerField.__init__
    "row": ((0,), ()),  # the screens' label-and-field row helpers
    "ReasonDialog": ((3,), ()),  # the console's decision dialog: the choice's title
    "Field": ((1,), ("placeholder",)),  # a ledger form's field: its label and placeholder
}
#: module-level tables whose string values are messages
TABLES = {"DIALOG_TITLES", "FIELD_MESSAGES", "FACTS_TITLES", "FACT_LABELS", "FACT_PLACEHOLDERS",
          "FACT_MESSAGES", "SOURCE_NAMES", "CAUSE_NAMES",
          "ENTRY_MESSAGES"}
#: class attributes holding one message (a console page's title)
ATTRIBUTES = {"TITLE_MSGID"}


def _name(func: ast.expr) -> str:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return ""


def _literal(node: ast.expr) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value:
        return node.value
    return None


def extract(paths: list[Path] | None = None) -> dict[str, str]:
    """msgid -> where it was found (``file:line``)."""
    found: dict[str, str] = {}
    for path in paths or sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        where = path.relative_to(PACKAGE.parent)

        def add(node: ast.expr, where: Path = where) -> None:
            text = _literal(node)
            if text is not None:
                found.setdefault(text, f"{where}:{node.lineno}")

        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and _name(node.func) in CALLS:
                positions, keywords = CALLS[_name(node.func)]
                for position in positions:
                    if position < len(node.args):
                        add(node.args[position])
                for keyword in node.keywords:
                    if keyword.arg in keywords:
                        add(keyword.value)
            elif isinstance(node, ast.Assign | ast.AnnAssign):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                names = {t.id for t in targets if isinstance(t, ast.Name)}
                if names & ATTRIBUTES and node.value is not None:
                    add(node.value)
                if names & TABLES and isinstance(node.value, ast.Dict):
                    for value in node.value.values:
                        add(value)
                if "COLUMNS" in names and isinstance(node.value, ast.List):
                    for element in node.value.elts:
                        if isinstance(element, ast.Tuple) and len(element.elts) > 1:
                            add(element.elts[1])
    return found


def translated() -> dict[str, str]:
    with PO_FILE.open("rb") as handle:
        catalogue = read_po(handle)
    return {str(m.id): str(m.string) for m in catalogue if m.id and m.string}


def main() -> int:
    have = translated()
    missing = {k: v for k, v in extract().items() if k not in have}
    for text, where in sorted(missing.items(), key=lambda kv: kv[1]):
        print(f"#: {where}\nmsgid {text!r}\n")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
