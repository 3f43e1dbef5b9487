// A small ECharts wrapper for the sales funnel: only the funnel chart, its tooltip and the
// SVG renderer are bundled (echarts/core), and the chart follows its box's size.
import { useEffect, useRef } from 'react';
import * as echarts from 'echarts/core';
import { FunnelChart as EFunnel } from 'echarts/charts';
import { TooltipComponent } from 'echarts/components';
import { SVGRenderer } from 'echarts/renderers';

echarts.use([EFunnel, TooltipComponent, SVGRenderer]);

export interface FunnelDatum {
  name: string;
  value: number;
  stageId: string;
  /** The won stage, drawn green. */
  won?: boolean;
  /** Tooltip lines under the stage name. */
  detail: string[];
}

interface Props {
  data: FunnelDatum[];
  onSelect?: (stageId: string) => void;
  height?: number;
  'data-testid'?: string;
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

export function FunnelChart({ data, onSelect, height = 320, ...rest }: Props) {
  const box = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.EChartsType | null>(null);
  const onSelectRef = useRef(onSelect);
  onSelectRef.current = onSelect;

  useEffect(() => {
    if (!box.current) return;
    const c = echarts.init(box.current, undefined, { renderer: 'svg' });
    chart.current = c;
    c.on('click', (p) => {
      const d = p.data as FunnelDatum | undefined;
      if (d?.stageId) onSelectRef.current?.(d.stageId);
    });
    const ro = new ResizeObserver(() => c.resize());
    ro.observe(box.current);
    return () => {
      ro.disconnect();
      c.dispose();
      chart.current = null;
    };
  }, []);

  useEffect(() => {
    const max = Math.max(1, ...data.map((d) => d.value));
    chart.current?.setOption(
      {
        animationDuration: 300,
        color: ['#0958d9', '#1677ff', '#4096ff', '#69b1ff', '#91caff', '#52c41a'],
        tooltip: {
          trigger: 'item',
          confine: true,
          formatter: (p: { data: FunnelDatum }) =>
            `<b>${escapeHtml(p.data.name)}</b><br/>` + p.data.detail.map(escapeHtml).join('<br/>'),
        },
        series: [
          {
            type: 'funnel',
            sort: 'none',
            left: '5%',
            width: '90%',
            top: 10,
            bottom: 10,
            min: 0,
            max,
            minSize: '8%',
            gap: 2,
            label: { show: true, position: 'inside', formatter: '{b}  {c}', color: '#fff', fontSize: 13, textBorderColor: 'rgba(0,0,0,0.35)', textBorderWidth: 2 },
            labelLine: { show: false },
            itemStyle: { borderColor: '#fff', borderWidth: 1 },
            emphasis: { label: { fontSize: 14 } },
            data: data.map((d, i) => (i === data.length - 1 && d.won ? { ...d, itemStyle: { color: '#52c41a' } } : d)),
          },
        ],
      },
      true,
    );
  }, [data]);

  return <div ref={box} style={{ width: '100%', height, cursor: onSelect ? 'pointer' : undefined }} data-testid={rest['data-testid']} />;
}
