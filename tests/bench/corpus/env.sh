# Sourced by `make bench` for the search benchmark: the MCP servers of its corpus, from npm
# (tests/bench/corpus/package-lock.json) and PyPI (requirements.txt), installed once into the
# target dir and again only when their pins change. No install scripts: server-puppeteer's
# puppeteer would download a browser of its own, and the benchmark only lists their tools.
source "$(dirname "${BASH_SOURCE[0]}")/../env.sh"
corpus_src="$root/tests/bench/corpus"
corpus="$target_dir/bench-corpus"
mkdir -p "$corpus/npm"
if ! cmp -s "$corpus_src/package-lock.json" "$corpus/npm/package-lock.json" || [ ! -d "$corpus/npm/node_modules" ]; then
    cp "$corpus_src/package.json" "$corpus_src/package-lock.json" "$corpus/npm/"
    (cd "$corpus/npm" && npm ci --no-audit --no-fund --loglevel=error --ignore-scripts)
fi
if [ ! -x "$corpus/venv/bin/python" ] || ! cmp -s "$corpus_src/requirements.txt" "$corpus/venv/requirements.txt"; then
    rm -rf "$corpus/venv"
    python3 -m venv "$corpus/venv"
    "$corpus/venv/bin/pip" install --quiet --disable-pip-version-check -r "$corpus_src/requirements.txt"
    cp "$corpus_src/requirements.txt" "$corpus/venv/requirements.txt"
fi
export PATCHBAY_CORPUS_NPM_BIN="$corpus/npm/node_modules/.bin"
export PATCHBAY_CORPUS_PYPI_BIN="$corpus/venv/bin"
