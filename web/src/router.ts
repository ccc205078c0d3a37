import { createRouter, createWebHistory, type RouteRecordRaw } from 'vue-router';
import { onUnauthorized } from './api.ts';
import { t } from './i18n/index.ts';
import { menuItems, visibleTo } from './menu.ts';
import { isLoggedIn, session } from './session.ts';
import type { Role } from './session.ts';

declare module 'vue-router' {
  interface RouteMeta {
    /** i18n key of the page title */
    title?: string;
    /** menu key highlighted for this page */
    menu?: string;
    /** module not yet open: key under placeholder.* */
    placeholder?: string;
    roles?: Role[];
    public?: boolean;
  }
}

const Placeholder = () => import('./views/PlaceholderView.vue');

const pages: RouteRecordRaw[] = menuItems().map((m) => ({
  path: m.path,
  name: m.key,
  component: m.view ?? Placeholder,
  meta: { title: `menu.${m.key}`, menu: m.path, placeholder: m.view ? undefined : m.key, roles: m.roles },
}));

const routes: RouteRecordRaw[] = [
  { path: '/login', name: 'login', component: () => import('./views/LoginView.vue'), meta: { public: true, title: 'login.title' } },
  {
    path: '/',
    component: () => import('./layouts/ConsoleLayout.vue'),
    redirect: '/dashboard',
    children: [
      ...pages,
      {
        path: '/collect/datasets/:code/upload', name: 'upload', component: () => import('./views/UploadWizardView.vue'), props: (r) => ({ code: r.params.code, retry: r.query.retry ?? null }),
        meta: { title: 'upload.title', menu: '/collect/datasets', roles: ['admin', 'officer'] },
      },
      { path: '/collect/jobs/:id', name: 'ingestJob', component: () => import('./views/IngestJobView.vue'), props: true, meta: { title: 'jobs.detailTitle', menu: '/collect/jobs', roles: ['admin', 'officer'] } },
      {
        path: '/collect/sources/:id', name: 'source', component: () => import('./views/SourceDetailView.vue'), props: true,
        meta: { title: 'sources.detailTitle', menu: '/collect/sources', roles: ['admin', 'officer'] },
      },
      {
        path: '/entity/:kind(person|enterprise)/:id', name: 'entityProfile', component: () => import('./views/EntityProfileView.vue'), props: true,
        meta: { title: 'entity.profile.title', menu: '/entity', roles: ['admin', 'officer', 'analyst'] },
      },
      {
        path: '/apps/workorders/:id', name: 'workorder', component: () => import('./views/WorkOrderDetailView.vue'), props: true,
        meta: { title: 'workorders.detail.title', menu: '/apps/workorders', roles: ['admin', 'officer', 'analyst', 'handler'] },
      },
      { path: '/apps/monitor/indicators/new', name: 'indicatorNew', component: () => import('./views/IndicatorEditView.vue'), meta: { title: 'monitor.editor.title', menu: '/apps/monitor', roles: ['admin', 'officer'] } },
      {
        path: '/apps/monitor/indicators/:code', name: 'indicator', component: () => import('./views/IndicatorDetailView.vue'), props: true,
        meta: { title: 'menu.monitor', menu: '/apps/monitor', roles: ['admin', 'officer', 'analyst', 'handler'] },
      },
      { path: '/apps/rules/new', name: 'ruleNew', component: () => import('./views/RuleEditView.vue'), meta: { title: 'applyRules.editor.newTitle', menu: '/apps/rules', roles: ['admin', 'officer'] } },
      {
        path: '/apps/rules/:id', name: 'rule', component: () => import('./views/RuleEditView.vue'), props: true,
        meta: { title: 'applyRules.editor.title', menu: '/apps/rules', roles: ['admin', 'officer', 'analyst', 'handler'] },
      },
      {
        path: '/cases/:id', name: 'case', component: () => import('./views/CaseDetailView.vue'), props: true,
        meta: { title: 'cases.detail.title', menu: '/cases/handle', roles: ['admin', 'officer', 'analyst', 'handler', 'citizen'] },
      },
      // 驾驶舱: the builder (new, edit) and the viewer (?screen=1: the large screen)
      { path: '/dashboards/new', name: 'dashboardNew', component: () => import('./views/DashboardBuilderView.vue'), meta: { title: 'dashboards.builder.newTitle', menu: '/dashboards', roles: ['admin', 'officer', 'analyst'] } },
      { path: '/dashboards/:code/edit', name: 'dashboardEdit', component: () => import('./views/DashboardBuilderView.vue'), props: true, meta: { title: 'dashboards.builder.title', menu: '/dashboards', roles: ['admin', 'officer', 'analyst'] } },
      { path: '/dashboards/:code', name: 'dashboardView', component: () => import('./views/DashboardViewerView.vue'), props: true, meta: { title: 'dashboards.title', menu: '/dashboards', roles: ['admin', 'officer', 'analyst', 'handler'] } },
      { path: '/datasets/:code', name: 'dataset', component: () => import('./views/DatasetDetailView.vue'), props: true, meta: { title: 'menu.resources', menu: '/datasets' } },
    ],
  },
  {
    // 开放数据门户: public pages, no login
    path: '/portal',
    component: () => import('./layouts/PortalLayout.vue'),
    meta: { public: true, title: 'portal.title' },
    children: [
      { path: '', name: 'portal', component: () => import('./views/portal/PortalHomeView.vue') },
      { path: 'search', name: 'portalSearch', component: () => import('./views/portal/PortalSearchView.vue'), meta: { title: 'portal.nav.search' } },
      { path: 'datasets/:code', name: 'portalDataset', component: () => import('./views/portal/PortalDatasetView.vue'), props: true },
      { path: 'apply', name: 'portalApply', component: () => import('./views/portal/PortalApplyView.vue'), meta: { title: 'portal.apply.title' } },
      { path: 'developer', name: 'portalDeveloper', component: () => import('./views/portal/PortalDeveloperView.vue'), meta: { title: 'portal.dev.title' } },
    ],
  },
  // 我要反映 / 办件查询: the citizens' own pages, public, made for phones
  { path: '/report', name: 'caseReport', component: () => import('./views/CaseReportView.vue'), meta: { public: true, title: 'cases.report.title' } },
  { path: '/track', name: 'caseTrack', component: () => import('./views/CaseTrackView.vue'), meta: { public: true, title: 'cases.track.title' } },
  { path: '/:pathMatch(.*)*', redirect: '/dashboard' },
];

export const router = createRouter({ history: createWebHistory('/'), routes });

router.beforeEach((to) => {
  if (to.meta.public) {
    if (to.name === 'login' && isLoggedIn()) return { path: '/dashboard' };
    return true;
  }
  if (!isLoggedIn()) return { name: 'login', query: to.fullPath && to.fullPath !== '/' ? { redirect: to.fullPath } : {} };
  const roles = to.matched.map((r) => r.meta.roles).find(Boolean);
  if (roles && !visibleTo({ key: '', path: '', roles }, session.user?.role)) return { path: '/dashboard' };
  return true;
});

router.afterEach((to) => {
  const title = to.meta.title ? t(to.meta.title) : '';
  document.title = title ? `${title} - ${t('app.name')}` : t('app.name');
});

onUnauthorized(() => {
  const current = router.currentRoute.value;
  if (current.name !== 'login') void router.push({ name: 'login', query: { redirect: current.fullPath } });
});
