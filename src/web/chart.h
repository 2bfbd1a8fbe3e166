/*
** web/chart.h — charts drawn by the server as SVG, written through the
** escaping writers of web/html.h.
**
** Every chart is a <figure> holding an <svg role="img"> with a <title> and
** a <desc> (tied to it with aria-labelledby), and after it the same
** numbers as a <table> for screen readers and for anyone who prefers to
** read them (in a <details>, so it takes no room until opened).  Colours
** come from the stylesheet (classes), so the chart follows light and dark
** mode and the page's Content-Security-Policy (no inline styles).
*/
#ifndef CAIRN_WEB_CHART_H
#define CAIRN_WEB_CHART_H
#include "base/buf.h"
#include "web/i18n.h"
#include <stddef.h>

/* One point of a line: its label on the x axis (text, e.g. a formatted
** date) and its value; NAN leaves a gap. */
typedef struct chart_point {
    const char *label;
    double      value;
    const char *note;    /* text shown in the table instead of the value (e.g.
                            "suppressed"); NULL = the value */
} chart_point;

enum { CHART_NUMBER = 0, CHART_PERCENT = 1 };

/* A horizontal reference line across a line chart (a goal's baseline and
** target): drawn dashed with its label, and listed after the points in the
** table. */
typedef struct chart_mark {
    const char *label;       /* text: "Target" */
    double      value;
} chart_mark;

typedef struct chart_line {
    const char *id;          /* a constant id prefix, unique on the page: "risk" */
    const char *title;       /* text: shown as the figure's caption and <title> */
    const char *desc;        /* text: one or two sentences saying what it shows */
    const char *x_heading;   /* text: the table's first column ("Date") */
    const char *y_heading;   /* text: the table's second column ("Risk") */
    double      y_min, y_max;
    int         format;      /* CHART_PERCENT: values are 0..1, shown as % */
    int         decimals;    /* for CHART_NUMBER */
    const chart_point *points;
    size_t      n;
    const chart_mark *marks;  /* reference lines within y_min..y_max; may be NULL */
    size_t      nmarks;
} chart_line;

/* Append the figure for c to b in language L.  Nothing is drawn for a
** line without points but the empty table; y_max <= y_min is taken as
** y_min + 1. */
void chart_line_write(buf *b, const i18n_lang *L, const chart_line *c);

/* Open an <svg> of width x height user units with role="img", a <title>
** and a <desc> (text, escaped) and aria-labelledby naming both; id is a
** constant id prefix.  Close it with chart_svg_end(). */
void chart_svg_begin(buf *b, const char *id, int width, int height, const char *title,
                     const char *desc);
void chart_svg_end(buf *b);

/* A value formatted for people in L: "42 %" style for CHART_PERCENT (v in
** 0..1), else with decimals; "–" for NAN.  Returns out. */
const char *chart_format_value(const i18n_lang *L, double v, int format, int decimals,
                               char *out, size_t cap);

/* One bin of a calibration plot: learners (rows) whose predicted risk fell
** in the bin, their mean prediction and the share who did leave early. */
typedef struct chart_calib_bin {
    const char *label;       /* text: the bin's range ("10 % to 20 %") */
    double      predicted;   /* mean predicted risk, 0..1; NAN = empty bin */
    double      observed;    /* share who left early, 0..1; NAN = empty bin */
    long        n;           /* rows in the bin */
    const char *note;        /* text shown in the table instead of the figures
                                (a suppressed bin); the point is not drawn */
} chart_calib_bin;

typedef struct chart_calibration {
    const char *id;          /* a constant id prefix, unique on the page */
    const char *title;       /* text: caption and <title> */
    const char *desc;        /* text: what the plot shows */
    const char *x_heading;   /* text: "Predicted risk" (x axis and table) */
    const char *y_heading;   /* text: "Share who left early" (y axis and table) */
    const char *bin_heading; /* text: the table's first column ("Predicted risk band") */
    const char *n_heading;   /* text: the rows column ("Rows") */
    const chart_calib_bin *bins;
    size_t      n;
} chart_calibration;

/* Append a calibration (reliability) plot: observed share against mean
** prediction per bin, both 0..100 %, with the diagonal of perfect
** calibration, then the numbers as a table.  Bins with a note or without
** rows are not drawn. */
void chart_calibration_write(buf *b, const i18n_lang *L, const chart_calibration *c);

/* One bar: its label (text), its count, and a note shown instead of the
** count (e.g. "withheld"): a bar with a note is not drawn. */
typedef struct chart_bar {
    const char *label;
    long long   value;
    const char *note;
} chart_bar;

typedef struct chart_bars {
    const char *id;          /* a constant id prefix, unique on the page */
    const char *title;       /* text: caption and <title> */
    const char *desc;        /* text: what the chart shows */
    const char *x_heading;   /* text: the table's first column ("Outcome") */
    const char *y_heading;   /* text: the table's second column ("Cases") */
    const chart_bar *bars;
    size_t      n;
} chart_bars;

/* Append a horizontal bar chart of counts (web/chart_bar.c), then the
** numbers as a table; withheld bars are named with their note, not drawn. */
void chart_bars_write(buf *b, const i18n_lang *L, const chart_bars *c);

#endif
