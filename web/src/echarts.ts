// Only the ECharts parts the console uses, so the bundle stays small.
import { use } from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { BarChart, EffectScatterChart, GaugeChart, GraphChart, HeatmapChart, LineChart, MapChart, PieChart, RadarChart, ScatterChart } from 'echarts/charts';
import { CalendarComponent, GeoComponent, GridComponent, LegendComponent, MarkLineComponent, RadarComponent, TooltipComponent, VisualMapComponent } from 'echarts/components';

use([
  CanvasRenderer, BarChart, GraphChart, LineChart, PieChart, RadarChart, GridComponent, RadarComponent, TooltipComponent, LegendComponent,
  // maps (CityMap.vue): the city's own GeoJSON from the API, no tiles
  MapChart, ScatterChart, EffectScatterChart, HeatmapChart, GeoComponent, VisualMapComponent,
  // dashboards (驾驶舱): gauges, calendar heat maps, threshold lines
  GaugeChart, CalendarComponent, MarkLineComponent,
]);

export { registerMap } from 'echarts/core';

export { default as VChart } from 'vue-echarts';
