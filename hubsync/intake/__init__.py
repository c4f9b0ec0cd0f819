"""Reading export files: bytes → text → rows with line numbers, and the German value formats."""
