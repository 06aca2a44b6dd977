# Shortcuts for the README's commands (scripts/ works without make too).
.PHONY: demo test bench

demo:
	scripts/demo

test:
	scripts/test

bench:
	scripts/bootstrap
	.venv/bin/python bench/scan_bench.py
