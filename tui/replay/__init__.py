"""Making and playing recorded sessions (通话录制); the recording itself is
:mod:`tui.recording`."""
