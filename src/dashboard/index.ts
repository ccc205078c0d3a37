/** The dashboard (工作台): what a department officer, or the bureau, needs to see each morning. */
export { overview, type Overview, type DayFigures, type TodoKind } from './service.ts';
export { dashboardRoutes } from './routes.ts';
