"""Free text as the database will take it.

PostgreSQL refuses a NUL character (\\x00) in text, and a write that carries one fails with a 500; SQLite
takes it, which is why only production met it. Every service that stores text a person typed refuses it
first, with this message, where the text was entered.
"""

from __future__ import annotations

NUL_MESSAGE = "It contains a null character (\\0), which cannot be saved: remove it and try again."
