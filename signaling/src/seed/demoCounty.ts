import type { Venue } from '../protocol/index.ts';

/** A fictional county used for the demo data and the tests. */
export const DEMO_COUNTY = { name: '云溪县', nameEn: 'Yunxi County (fictional)' } as const;

export const TOWNSHIPS = ['城关镇', '东坝镇', '西河镇', '南山乡', '北岭乡', '清水镇', '石桥乡', '柳林镇', '桃源乡', '青龙镇'];

/** 120 county departments and units (a county's usual 县直单位). */
export const DEPARTMENTS = [
  '县委办公室', '县政府办公室', '县人大办公室', '县政协办公室', '县纪委监委', '县委组织部', '县委宣传部', '县委统战部',
  '县委政法委', '县委编办', '县发展和改革局', '县教育局', '县科技局', '县工业和信息化局', '县公安局', '县民政局',
  '县司法局', '县财政局', '县人力资源和社会保障局', '县自然资源局', '县生态环境分局', '县住房和城乡建设局', '县交通运输局', '县水利局',
  '县农业农村局', '县商务局', '县文化广电和旅游局', '县卫生健康局', '县退役军人事务局', '县应急管理局', '县审计局', '县市场监督管理局',
  '县统计局', '县医疗保障局', '县林业局', '县城市管理局', '县信访局', '县行政审批局', '县乡村振兴局', '县粮食和物资储备局',
  '县消防救援大队', '县人民武装部', '县气象局', '县地震局', '县供电公司', '县自来水公司', '县燃气公司', '县通信管理办公室',
  '县人民医院', '县中医院', '县妇幼保健院', '县疾病预防控制中心', '县急救中心', '县血站', '县第一中学', '县第二中学',
  '县职业中学', '县实验小学', '县人民法院', '县人民检察院', '县公安局交警大队', '县公安局治安大队', '县公安局刑侦大队', '县看守所',
  '县税务局', '县邮政公司', '县烟草专卖局', '县农业发展银行', '县农商银行', '县融媒体中心', '县档案馆', '县图书馆',
  '县文化馆', '县博物馆', '县体育中心', '县残疾人联合会', '县总工会', '团县委', '县妇女联合会', '县科学技术协会',
  '县工商业联合会', '县红十字会', '县慈善总会', '县供销合作社', '县住房公积金管理中心', '县不动产登记中心', '县公共资源交易中心', '县政务服务中心',
  '县12345热线中心', '县大数据中心', '县水文站', '县水库管理所', '县河道管理所', '县防汛抗旱指挥部办公室', '县森林防火指挥部办公室', '县地质灾害防治中心',
  '县动物疫病预防控制中心', '县农业技术推广中心', '县畜牧兽医站', '县农机服务中心', '县种子管理站', '县林业工作站', '县自然保护区管理局', '县国有林场',
  '县公路管理段', '县道路运输管理所', '县汽车客运站', '县铁路站', '县城投公司', '县工业园区管委会', '县经济开发区管委会', '县文旅投资公司',
  '县环境监测站', '县垃圾处理场', '县污水处理厂', '县殡仪馆', '县救助管理站', '县福利院', '县老年大学', '县党校',
];

export const DEMO_PASSWORD = 'Yunxi@2026';

export interface DemoAccount {
  username: string;
  displayName: string;
  role: 'admin' | 'chair' | 'operator' | 'dispatcher' | 'liaison';
  venueId: string | null;
}

const pad = (n: number, width: number) => String(n).padStart(width, '0');

export function demoVenues(): Venue[] {
  return [
    { id: 'hall', name: `${DEMO_COUNTY.name}政府主会场`, kind: 'county_hall', order: 0 },
    { id: 'dispatch', name: `${DEMO_COUNTY.name}应急指挥中心`, kind: 'dispatch_centre', order: 0 },
    ...TOWNSHIPS.map((name, i): Venue => ({ id: `tw${pad(i + 1, 2)}`, name, kind: 'township', order: i + 1 })),
    ...DEPARTMENTS.map((name, i): Venue => ({ id: `d${pad(i + 1, 3)}`, name, kind: 'department', order: i + 1 })),
  ];
}

/** One operator per venue (username = venue id), a chair for the county hall, a dispatcher, an admin. */
export function demoAccounts(venues: Venue[]): DemoAccount[] {
  return [
    { username: 'admin', displayName: '系统管理员', role: 'admin', venueId: null },
    { username: 'chair', displayName: '县政府主会场主席', role: 'chair', venueId: 'hall' },
    { username: 'dispatcher', displayName: '应急指挥中心调度员', role: 'dispatcher', venueId: 'dispatch' },
    ...venues.map((v): DemoAccount => ({ username: v.id, displayName: `${v.name}操作员`, role: 'operator', venueId: v.id })),
  ];
}

/** Saved groups for grouped meetings. */
export function demoGroups(): { id: string; name: string; venueIds: string[] }[] {
  return [
    { id: 'townships', name: '全体乡镇', venueIds: TOWNSHIPS.map((_, i) => `tw${pad(i + 1, 2)}`) },
    // 公安局, 民政局, 交通运输局, 水利局, 卫生健康局, 应急管理局, 消防救援大队, 气象局, 供电公司, 自来水公司
    { id: 'emergency', name: '应急联动部门', venueIds: ['d015', 'd016', 'd023', 'd024', 'd028', 'd030', 'd041', 'd043', 'd045', 'd046'] },
  ];
}
