"""Small helpers shared by every app; they import no app of the project."""
