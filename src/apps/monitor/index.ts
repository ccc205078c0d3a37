/**
 * monitor — city-operations monitoring (一网统管): indicators over departments' data and sensor
 * streams, kept as series in the lake and read through the share guard; forecasts and anomaly
 * detectors for alert rules (docs/monitor.md, docs/monitor-forecast.md).
 */
export { indicators, indicatorSql, indicatorPrincipal, GRAINS, AGGREGATES, SERIES_MAX, type Indicator, type IndicatorInput, type IndicatorQuery, type Grain, type Aggregate } from './indicators.ts';
export { monitorRoutes } from './routes.ts';
export { alertRules, alertCentre, judge, checkCondition, LEVELS, type Condition, type AlertRuleInput, type Level } from './alerts.ts';
export { startMonitorTriggers, refreshAndEvaluate, type MonitorTriggers } from './triggers.ts';
export { dashboards, WIDGET_TYPES, type Dashboard, type Widget, type DashboardInput } from './dashboards.ts'; export { dashboardRoutes } from './dashboardRoutes.ts';
export { forecastIndicator, FORECAST_STEPS_MAX, FORECAST_HISTORY_MAX } from './forecastSeries.ts';
export { syntheticSensorSeries, type LabelledAnomaly } from './anomaly/index.ts';
