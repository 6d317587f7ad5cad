import asyncio, tempfile, sys
from pathlib import Path
from tests.tui.deskfactory import make_desk, FakeClock
from tests.tui.screen_text import screen_text
from tui.app import BaogongApp

def show(app):
    print(screen_text(app)); print('-'*80)

async def main():
    clock = FakeClock()
    d = Path(tempfile.mkdtemp())
    desk = make_desk(d, clock)
    app = BaogongApp(desk, operator="wang", language=sys.argv[1], clock=clock, cursor_blink=False, poll_interval=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause(); await asyncio.sleep(0.3); await pilot.pause()
        await pilot.press("n"); await pilot.pause()
        await pilot.press(*"13800000001"); await pilot.pause()
        await pilot.press("tab","tab","enter"); await pilot.pause()
        await pilot.press(*"shw"); await pilot.press("enter"); await pilot.pause()
        await pilot.press("enter"); await pilot.pause()
        await pilot.press(*"dm", "enter"); await pilot.pause()
        await pilot.press("backspace", "2", "enter"); await pilot.pause()
        await pilot.press("tab"); await pilot.press(*"需要米"); 
        show(app)
        await pilot.press("ctrl+s"); await pilot.pause(); await asyncio.sleep(0.3); await pilot.pause()
        show(app)
        await pilot.press("enter"); await pilot.pause(); await asyncio.sleep(0.3); await pilot.pause()
        show(app)
        await pilot.press("enter"); await pilot.pause()
        show(app)
        await pilot.press("d"); await pilot.pause()
        show(app)
        await pilot.press(*"ok", "enter"); await pilot.pause()
        show(app)
        await pilot.press("f2"); await pilot.pause()
        show(app)
        await pilot.press("escape","h"); await pilot.pause()
        show(app)

asyncio.run(main())
