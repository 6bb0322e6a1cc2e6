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
pinned_venv "$corpus/venv" "$corpus_src/requirements.txt"
export PATCHBAY_CORPUS_NPM_BIN="$corpus/npm/node_modules/.bin"
export PATCHBAY_CORPUS_PYPI_BIN="$corpus/venv/bin"
