/** Chart geometry shared by every chart, in SVG user units (the page scales them). */
export const CHART_WIDTH = 640;
export const PLOT_LEFT = 58;
export const PLOT_RIGHT = 14;
export const PLOT_WIDTH = CHART_WIDTH - PLOT_LEFT - PLOT_RIGHT;
/** Room under a timeline for the time axis labels. */
export const AXIS_HEIGHT = 24;
export const PLOT_TOP = 8;
