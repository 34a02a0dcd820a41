"""The entry for ``spark-submit``: the command line, with the session spark-submit made.

``spark-submit`` runs a Python file; this module is that file, and takes the command line's
arguments. The master, the executors' memory and the rest come from spark-submit's own
options (``--master``, ``--conf``), so the commands run where the cluster runs them::

    spark-submit --master spark://host:7077 $(python -m entrepot.submit --path) \\
        --backend spark --dataset hdfs:///data/trade-cells --store series.duckdb compile
"""

from __future__ import annotations

import sys


def main() -> None:
    if sys.argv[1:] == ["--path"]:
        print(__file__)
        return
    from entrepot.cli import app  # absolute: spark-submit runs this file as a script

    app(prog_name="entrepot")


if __name__ == "__main__":
    main()
