// Only the ECharts parts the console uses, so the bundle stays small.
import { use } from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { BarChart, GraphChart, LineChart, PieChart, RadarChart } from 'echarts/charts';
import { GridComponent, LegendComponent, RadarComponent, TooltipComponent } from 'echarts/components';

use([CanvasRenderer, BarChart, GraphChart, LineChart, PieChart, RadarChart, GridComponent, RadarComponent, TooltipComponent, LegendComponent]);

export { default as VChart } from 'vue-echarts';
