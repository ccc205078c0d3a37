/**
 * Forecasts for any indicator: a regular series (missing values as NaN) in, forecasts with
 * prediction intervals out. See docs/monitor-forecast.md.
 */
export { fitForecaster, rollingOrigins, type FitOptions, type Forecast, type Forecaster } from './forecaster.ts';
export { METHODS, type Method } from './models.ts';
export { formatTime, inferGrid, IrregularSeriesError, ISO_LOCAL, parseTime, seasonalPeriods, timeFromParts, type Grid, type TimeStyle } from './grid.ts';
