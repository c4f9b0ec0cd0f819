"""What a person reads: the message catalogue, console, mail, error reports, progress, logs."""
