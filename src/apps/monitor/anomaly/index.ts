/**
 * Alert rules and anomaly detectors for city-operations monitoring: pure functions and state machines
 * over (time, value) points. See docs/monitor-forecast.md.
 */
export { rateOfChange, runThreshold, thresholdMachine, type AlertEvent, type AlertState, type Op, type RateResult, type RateRule, type ThresholdRule } from './rules.ts';
export {
  detectAnomalies, flatlineDetector, precisionRecall, seasonalDetector, seasonalScore, toEvents,
  type DetectedEvent, type Interval, type Point, type PrecisionRecall, type SeasonalOptions, type SeasonalScore,
} from './detectors.ts';
export { forecastBreach, type Breach, type BreachOptions } from './breach.ts';
export { syntheticSensorSeries, type AnomalyKind, type LabelledAnomaly, type SyntheticOptions, type SyntheticSeries } from './synthetic.ts';
