"""The Kivy kiosk: the only package that imports Kivy. It renders what the session says and sends it touches.

Nothing here opens a window at import time: call `runtime.configure()` first,
then import `app` (which imports Kivy's window machinery).
"""
