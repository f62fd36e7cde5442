"""The headless core: flow model, loader, rules and session. Imports no Kivy and no pyttsx3."""
