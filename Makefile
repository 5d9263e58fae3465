# Thin aliases; scripts/bootstrap.sh does the real work (and is what the README shows).
.PHONY: run test lint format bench

run:
	bash scripts/bootstrap.sh run

test:
	bash scripts/bootstrap.sh test

lint:
	.venv/bin/ruff check . && .venv/bin/ruff format --check .

format:
	.venv/bin/ruff check --fix . && .venv/bin/ruff format .

bench:
	.venv/bin/python bench/segment_speed.py
	.venv/bin/python bench/metadata_accuracy.py
	.venv/bin/python bench/targets_quality.py
