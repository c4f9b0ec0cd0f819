"""One run and the commands around it: pipeline, cron job, validate, check, demo, wiring."""
