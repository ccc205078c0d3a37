import type { Component } from 'vue';
import { Bell, Coin, Connection, Download, Grid, Odometer, Postcard, Setting, View } from '@element-plus/icons-vue';
import type { Role } from './session.ts';

type View = () => Promise<Component | { default: Component }>;

/** A page in the side menu. Pages without a view are modules not yet open; they show the placeholder. */
export interface MenuItem {
  /** i18n key under menu.* (and placeholder.* for modules not yet open) */
  key: string;
  path: string;
  view?: View;
  icon?: Component;
  /** Only these roles see the entry (default: everyone). */
  roles?: Role[];
}

export interface MenuGroup {
  key: string;
  icon: Component;
  children: MenuItem[];
}

export type MenuEntry = MenuItem | MenuGroup;
export const isGroup = (e: MenuEntry): e is MenuGroup => 'children' in e;

/** Who shares data between departments: requests, grants, the data service and analyst queries. */
const SHARING: Role[] = ['admin', 'officer', 'analyst'];
/** Who works with rules, their findings and work orders. */
const APPLYING: Role[] = ['admin', 'officer', 'analyst', 'handler'];
/** Who takes reports in and handles cases: the dispatch centre's staff and the departments' officers and handlers. */
const CASE_STAFF: Role[] = ['admin', 'officer', 'handler'];

/** The console follows the data life cycle: 汇 collect → 存 store → 转 share → 用 apply. */
export const MENU: MenuEntry[] = [
  { key: 'dashboard', path: '/dashboard', icon: Odometer, view: () => import('./views/DashboardView.vue') },
  {
    key: 'collect', icon: Download, children: [
      { key: 'collectDatasets', path: '/collect/datasets', view: () => import('./views/CollectDatasetsView.vue') },
      { key: 'ingestJobs', path: '/collect/jobs', view: () => import('./views/IngestJobsView.vue'), roles: ['admin', 'officer'] },
      { key: 'sources', path: '/collect/sources', view: () => import('./views/SourcesView.vue'), roles: ['admin', 'officer'] },
      { key: 'standards', path: '/collect/standards', view: () => import('./views/StandardsView.vue') },
    ],
  },
  {
    key: 'store', icon: Coin, children: [
      { key: 'resources', path: '/datasets', view: () => import('./views/DatasetsView.vue') },
    ],
  },
  {
    key: 'share', icon: Connection, children: [
      { key: 'catalog', path: '/share/catalog', view: () => import('./views/CatalogView.vue') },
      { key: 'reviewQueue', path: '/share/review', view: () => import('./views/ReviewQueueView.vue'), roles: ['admin', 'officer'] },
      { key: 'shareRequests', path: '/share/requests', view: () => import('./views/ShareRequestsView.vue'), roles: SHARING },
      { key: 'grants', path: '/share/grants', view: () => import('./views/GrantsView.vue'), roles: SHARING },
      { key: 'dataServices', path: '/share/services', view: () => import('./views/DataServiceView.vue'), roles: SHARING },
      { key: 'sqlWorkbench', path: '/share/sql', view: () => import('./views/SqlWorkbenchView.vue'), roles: SHARING },
      { key: 'accessAlerts', path: '/share/alerts', view: () => import('./views/AccessAlertsView.vue'), roles: ['admin'] },
      { key: 'openPortal', path: '/share/portal', view: () => import('./views/OpenPortalView.vue') },
      { key: 'openKeys', path: '/share/open-keys', view: () => import('./views/OpenKeysView.vue'), roles: ['admin'] },
    ],
  },
  {
    // 工单 and 规则: a work order's own page (/apps/workorders/:id) and the rule editor (/apps/rules/new, /apps/rules/:id) are detail routes
    key: 'apply', icon: Grid, children: [
      { key: 'workorders', path: '/apps/workorders', view: () => import('./views/WorkOrdersView.vue'), roles: APPLYING },
      { key: 'rules', path: '/apps/rules', view: () => import('./views/RulesView.vue'), roles: APPLYING },
      { key: 'collide', path: '/apps/collide', view: () => import('./views/FindingsView.vue'), roles: APPLYING },
      { key: 'push', path: '/apps/push', view: () => import('./views/PushNoticesView.vue'), roles: APPLYING },
      { key: 'ruleOutcomes', path: '/apps/outcomes', view: () => import('./views/RuleOutcomesView.vue'), roles: APPLYING },
      // 网格管理: the districts and unit grid cells on the city's map, and each cell's grid workers
      { key: 'grid', path: '/grid', view: () => import('./views/GridView.vue'), roles: APPLYING },
      // 案件办理 (12345, 网格, 数字城管): a case's own page (/cases/:id) is a detail route; the citizens' pages /report and /track are public
      { key: 'casesIntake', path: '/cases/intake', view: () => import('./views/CaseIntakeView.vue'), roles: CASE_STAFF },
      { key: 'casesDispatch', path: '/cases/dispatch', view: () => import('./views/CaseDispatchView.vue'), roles: ['admin', 'officer'] },
      { key: 'casesHandle', path: '/cases/handle', view: () => import('./views/CaseHandleView.vue'), roles: CASE_STAFF },
      { key: 'casesPatrol', path: '/patrol', view: () => import('./views/CasePatrolView.vue'), roles: ['officer', 'handler'] },
      { key: 'casesStats', path: '/cases/stats', view: () => import('./views/CaseStatsView.vue'), roles: ['admin', 'officer', 'analyst'] },
      { key: 'casesSettings', path: '/cases/settings', view: () => import('./views/CaseSettingsView.vue'), roles: ['admin'] },
      // 运行监测: an indicator's page (/apps/monitor/indicators/:code) and the indicator editor (/apps/monitor/indicators/new) are detail routes
      { key: 'monitor', path: '/apps/monitor', view: () => import('./views/IndicatorsView.vue'), roles: APPLYING },
      { key: 'alertRules', path: '/apps/monitor/rules', view: () => import('./views/AlertRulesView.vue'), roles: APPLYING },
      { key: 'alertCentre', path: '/apps/monitor/alerts', view: () => import('./views/AlertCentreView.vue'), roles: APPLYING },
      // 驾驶舱: a dashboard's viewer (/dashboards/:code) and builder (/dashboards/new, /dashboards/:code/edit) are detail routes
      { key: 'dashboards', path: '/dashboards', view: () => import('./views/DashboardsView.vue'), roles: APPLYING },
      { key: 'opinion', path: '/apps/opinion' },
      { key: 'credit', path: '/apps/credit' },
    ],
  },
  {
    // 一人一档 / 一企一档: profiles across departments; a profile's own page (/entity/:kind/:id) is a detail route
    key: 'entity', icon: Postcard, children: [
      { key: 'entitySearch', path: '/entity', view: () => import('./views/EntitySearchView.vue'), roles: SHARING },
      { key: 'entityReview', path: '/entity/review', view: () => import('./views/EntityReviewView.vue'), roles: ['admin', 'officer'] },
      { key: 'entityRuns', path: '/entity/runs', view: () => import('./views/EntityRunsView.vue'), roles: SHARING },
    ],
  },
  // 我的消息: the notices departments' push rules sent a citizen; 谁用了我的数据: a citizen's own page (their account is linked to an ID number)
  { key: 'inbox', path: '/me/inbox', icon: Bell, view: () => import('./views/InboxView.vue'), roles: ['citizen'] },
  { key: 'dataUses', path: '/me/data-uses', icon: View, view: () => import('./views/DataUsesView.vue'), roles: ['citizen'] },
  {
    key: 'system', icon: Setting, children: [
      { key: 'departments', path: '/system/departments', view: () => import('./views/DepartmentsView.vue') },
      { key: 'users', path: '/system/users', view: () => import('./views/UsersView.vue'), roles: ['admin', 'officer'] },
      { key: 'tokens', path: '/system/tokens', view: () => import('./views/TokensView.vue') },
      { key: 'audit', path: '/system/audit', view: () => import('./views/AuditView.vue') },
      { key: 'calendar', path: '/system/calendar', view: () => import('./views/CalendarView.vue') },
    ],
  },
];

export function menuItems(): MenuItem[] {
  return MENU.flatMap((e) => (isGroup(e) ? e.children : [e]));
}

export const visibleTo = (item: MenuItem, role: Role | undefined): boolean => !item.roles || (!!role && item.roles.includes(role));
