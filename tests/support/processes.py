"""What /proc says of a test's processes: the ones below a pid, and how much memory one holds."""

import re
from pathlib import Path


def descendants(pid: int) -> list[int]:
    """Every process below `pid` (the app's WebKit web and network processes, say)."""
    parents: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, todo = [], [pid]
    while todo:
        for child in parents.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def memory(pid: int) -> tuple[int, int]:
    """Resident and proportional set size in bytes (PSS splits shared pages fairly)."""
    rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
    rss = int(re.search(r"^Rss:\s+(\d+) kB", rollup, re.M).group(1)) * 1024
    pss = int(re.search(r"^Pss:\s+(\d+) kB", rollup, re.M).group(1)) * 1024
    return rss, pss
