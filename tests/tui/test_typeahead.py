"""Keys typed while a screen opens or the focus moves are kept, in order, for the right field."""

from __future__ import annotations

from tests.tui.conftest import AppFactory, settle
from tests.tui.typing import burst, keys_of
from tui.screens.intake import IntakeScreen


async def test_a_number_typed_straight_after_n_goes_into_the_phone_field(
        make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        for attempt in range(5):
            burst(app, ["n", *"13500000009", "tab", *"赵大"])
            await settle(pilot)
            intake = app.screen
            assert isinstance(intake, IntakeScreen), attempt
            assert intake.query_one("#phone").value == "13500000009", attempt
            assert intake.query_one("#name").value == "赵大", attempt
            burst(app, ["escape", "y"])
            await settle(pilot)
            assert not isinstance(app.screen, IntakeScreen)


async def test_a_burst_in_the_description_keeps_the_keys_after_it_in_order(
        make_app: AppFactory, desk) -> None:
    app = make_app()
    description = "停水两天了家里有老人没有水喝做饭也不行楼里很多户都一样请尽快派人来看看谢谢" * 2
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        burst(app, ["n", *"13500000009", "tab", *"赵大"])
        await settle(pilot)
        intake = app.screen
        intake.query_one("#description").focus()
        await settle(pilot)
        burst(app, [*keys_of(description), "tab", "enter", *"bmy"])
        await settle(pilot)
        assert intake.query_one("#description").text == description
        assert app.screen.query_one("#filter").value == "bmy"  # the department picker
