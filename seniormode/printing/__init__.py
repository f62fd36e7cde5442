"""Printed slips: the layout of a receipt or ticket as a PDF (slip_pdf) and sending it through CUPS (cups).

The words come from seniormode.core.slip; nothing here decides what goes on a slip. Needs the `printing` extra
(fpdf2, segno) and, on a kiosk with a printer, Debian's cups-client.
"""
