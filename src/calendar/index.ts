/**
 * calendar — the working-day calendar (工作日历): Monday to Friday, minus public holidays, plus
 * make-up workdays (调休补班), in Asia/Shanghai days. Time limits counted in working days (share
 * requests, work orders, cases) take their deadlines from here.
 */
export { WorkCalendar, type SpecialDay } from './WorkCalendar.ts';
export { type DayLike, isDay } from './days.ts';
export { BUILTIN_DAYS, BUILTIN_YEARS, builtinCalendar } from './builtin.ts';
export { calendar, type CalendarDay, type CalendarYear } from './service.ts';
export { calendarRoutes } from './routes.ts';
