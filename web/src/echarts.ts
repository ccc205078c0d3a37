// Only the ECharts parts the console uses, so the bundle stays small.
import { use } from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { BarChart, EffectScatterChart, GraphChart, HeatmapChart, LineChart, MapChart, PieChart, RadarChart, ScatterChart } from 'echarts/charts';
import { GeoComponent, GridComponent, LegendComponent, RadarComponent, TooltipComponent, VisualMapComponent } from 'echarts/components';

use([
  CanvasRenderer, BarChart, GraphChart, LineChart, PieChart, RadarChart, GridComponent, RadarComponent, TooltipComponent, LegendComponent,
  // maps (CityMap.vue): the city's own GeoJSON from the API, no tiles
  MapChart, ScatterChart, EffectScatterChart, HeatmapChart, GeoComponent, VisualMapComponent,
]);

export { registerMap } from 'echarts/core';

export { default as VChart } from 'vue-echarts';
