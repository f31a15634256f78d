"""Test support: real servers (app, emulator, worker, SMTP) and small drivers for them."""
