"""Data returns: every table an authority sent, read into tidy rows with their source cells.

The pipeline, a module a stage, in the order data flows:

    grids    files (XLSX, XLS, CSV in any encoding and delimiter, PDF tables) -> Grid
    cells    one cell's value -> period, number, suppressed marker, code
    layout   a Grid -> Blocks (wide or long, periods across or down, header rows, totals)
    codes    a label as written -> a code of the campaign's code list (rapidfuzz)
    assign   a Block -> the question it answers (file, sheet and title markers)
    tidy     Blocks -> TableCell rows and TotalCheck rows for one reply (`read_tables`)

Nothing here imports the warehouse or Prefect: `flows/steps/tables.py` is the thin caller.
"""
