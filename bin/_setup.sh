# Shared by bin/dev and bin/test: find Python 3.12+, make .venv, install what pyproject.toml
# asks for (again only when it changes).

find_python() {
  local cand
  for cand in "${PYTHON:-}" python3.12 python3.13 python3; do
    [ -n "$cand" ] || continue
    if command -v "$cand" >/dev/null 2>&1 \
      && "$cand" -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1; then
      echo "$cand"; return 0
    fi
  done
  # pyenv keeps versions that its shims hide unless selected; use them directly.
  for cand in "${PYENV_ROOT:-$HOME/.pyenv}"/versions/3.1[2-9]*/bin/python3; do
    if [ -x "$cand" ] && "$cand" -c 'import sys; sys.exit(sys.version_info < (3, 12))'; then
      echo "$cand"; return 0
    fi
  done
  echo "Exams Portal needs Python 3.12 or newer; none was found (set PYTHON=/path/to/python3.12)." >&2
  return 1
}

ensure_venv() {
  if [ ! -x .venv/bin/python ] \
    || ! .venv/bin/python -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then
    local python
    python=$(find_python)
    echo "Creating .venv with $("$python" --version)"
    rm -rf .venv
    "$python" -m venv .venv
  fi
  local stamp=.venv/.installed-pyproject
  if [ ! -f "$stamp" ] || ! cmp -s pyproject.toml "$stamp"; then
    echo "Installing dependencies into .venv"
    .venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
    .venv/bin/python -m pip install --quiet --disable-pip-version-check ".[dev]"
    cp pyproject.toml "$stamp"
  fi
}
