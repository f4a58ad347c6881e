"""extract package."""

# Answers below this confidence go to the review queue (set by bench/calibrate.py where the
# answers above it were right at least 95% of the time on the labelled real replies).
REVIEW_THRESHOLD = 0.6
