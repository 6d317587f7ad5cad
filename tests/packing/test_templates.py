from __future__ import annotations

from pathlib import Path

from core.desk import Desk
from core.packing.orders import OrderPacker
from core.packing.templates import (
    DIETARY_GUIDELINES,
    check_packing_config,
    default_config,
    expand,
    load_packing_config,
)

DEMO = Path(__file__).resolve().parents[2] / "fixtures" / "desk"


def test_demo_packing_file_is_clean_against_the_demo_catalogue() -> None:
    desk = Desk.open(DEMO)
    assert check_packing_config(DEMO, desk.catalogue) == []
    config, problems = load_packing_config(DEMO)
    assert problems == [] and config is not None
    assert {t.kind.value for t in config.template} == {
        "vegetable_pack", "standard_box", "set_pack", "relief_kit"
    }


def test_templates_scale_with_household_size() -> None:
    desk = Desk.open(DEMO)
    config, _ = load_packing_config(DEMO)
    assert config is not None
    template = config.templates()["veg-pack"]
    small = dict((line.code, line.quantity) for line in expand(template, config, desk.catalogue, 1))
    big = dict((line.code, line.quantity) for line in expand(template, config, desk.catalogue, 6))
    assert sum(big.values()) > sum(small.values())
    # 400 g a day for 6 people for 3 days is 7.2 kg, a third each over three goods
    assert big == {"cabbage-2kg": 2, "potato-2kg": 2, "greens-500g": 5}


def test_relief_kit_never_puts_disinfectant_with_food() -> None:
    desk = Desk.open(DEMO)
    config, _ = load_packing_config(DEMO)
    assert config is not None
    kit = config.templates()["eight-ones"]
    packer = OrderPacker(desk.catalogue, config.boxes[kit.box].box(), config.separate_chilled)
    from core.packing.orders import HouseholdOrder

    packing = packer.pack(HouseholdOrder("k", "h", "c", expand(kit, config, desk.catalogue, 2)))
    kinds = [box.label.kind for box in packing.boxes]
    assert "chemical" in kinds and "food" in kinds
    assert packing.gap == 0


def test_absent_file_means_defaults(tmp_path: Path) -> None:
    config, problems = load_packing_config(tmp_path)
    assert problems == [] and config == default_config()
    assert config.daily["vegetables"] == DIETARY_GUIDELINES["vegetables"]
    assert check_packing_config(tmp_path) == []


def test_problems_are_located(tmp_path: Path) -> None:
    (tmp_path / "packing.toml").write_text(
        'round_days = 3\norder_cutoff = "25:00"\n\n[boxes.tiny]\nname = "x"\nmax_kg = -1\n\n'
        '[[template]]\ncode = "t"\nname = "t"\nkind = "set_pack"\nbox = "nope"\n\n'
        '[[template.line]]\ndaily = "caviar"\ngoods = ["gold"]\n',
        encoding="utf-8",
    )
    problems = [p.render(tmp_path) for p in check_packing_config(tmp_path, {})]
    assert "packing.toml:2: order_cutoff: '25:00' is not a time of day (HH:MM)" in problems
    assert "packing.toml:6: boxes.tiny.max_kg: must be positive" in problems
    assert "packing.toml:12: template[0].box: unknown box 'nope'" in problems
    assert "packing.toml:15: template[0].line[0].daily: unknown daily group 'caviar'" in problems
    assert "packing.toml:16: template[0].line[0].goods: unknown goods 'gold'" in problems


def test_unknown_keys_are_problems(tmp_path: Path) -> None:
    (tmp_path / "packing.toml").write_text("round_dayz = 3\n", encoding="utf-8")
    problems = check_packing_config(tmp_path)
    assert [(p.line, p.field, p.message) for p in problems] == [(1, "round_dayz", "unknown field")]
