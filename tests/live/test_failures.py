"""What a failed command leaves behind: the error the user reads, and what caused it."""


def test_an_internal_error_says_what_caused_it(cli):
    """The message says what failed; the terminal also gets why (the source chain the core
    keeps), here SQLite's own code for a file that is not a database."""
    (cli.dir / "patchbay.db").write_bytes(b"not a database, " * 512)
    done = cli.run("server", "list")
    assert done.returncode != 0
    assert "error (internal): database error: file is not a database" in done.stderr, done.stderr
    assert "caused by: Error code 26" in done.stderr, done.stderr
