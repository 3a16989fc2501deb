"""What the survey ships with and installs at start: the 2023 evaluation instrument and the
2017 IKM questionnaire."""
