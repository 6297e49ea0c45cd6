/**
 * DeploymentPlan → Helm chart: a second backend beside `program/`, templating exactly the
 * objects the program registers.
 */
export { buildChart, type Chart } from './build';
export { writeChart, type WriteChartOptions } from './write';
export { GENERATED_ANNOTATION } from './files';
export { chartObjects, outsideChart, type ChartObject } from './objects';
