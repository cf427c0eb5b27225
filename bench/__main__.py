"""python -m bench            everything (make bench)
python -m bench queries    queries per request on the small set only (make bench-queries)
python -m bench report     the table again from bench/results.json, without measuring"""

from __future__ import annotations

import sys

from bench.run import main, main_queries, main_report

if __name__ == "__main__":
    modes = {"queries": main_queries, "report": main_report}
    sys.exit(modes[sys.argv[1]]() if sys.argv[1:] and sys.argv[1] in modes else main())
