"""The instructor's side: the `calcrl` command (autograde a class in parallel, feedback,
class report, demo), a thin layer over nbgrader's own commands and configuration."""
