/** 简体中文 (default). Every UI string lives in these catalogues. */
export const zhCN = {
  app: { name: '翼联', subtitle: '县域视频会议与应急指挥系统' },
  shell: { logout: '退出登录', language: '语言', role: { admin: '管理员', chair: '主席', operator: '会场操作员', dispatcher: '调度员', liaison: '部门联络员' } },
  login: {
    title: '登录',
    username: '用户名',
    password: '密码',
    submit: '登录',
    submitting: '正在登录…',
    failed: '登录失败：{{message}}',
  },
  meetings: {
    title: '会议列表',
    empty: '暂无可参加的会议',
    join: '进入会议',
    present: '在线会场 {{count}} 个',
    invited: '邀请会场 {{count}} 个',
    loading: '正在加载会议…',
    loadFailed: '会议列表加载失败',
    status: { scheduled: '待召开', open: '进行中', ended: '已结束' },
  },
  meeting: {
    leave: '离开会议',
    local: '本会场',
    joining: '正在进入会议…',
    reconnecting: '网络中断，正在重新连接…',
    mediaRestarting: '媒体服务正在恢复…',
    participants: '在线会场（{{count}}）',
    noVideo: '无视频',
    noOthers: '等待其他会场加入…',
    cameraFailed: '无法打开摄像头或麦克风：{{message}}',
    replaced: '本会场已在其他地方进入会议',
    ended: '会议已结束',
    error: '会议出错：{{message}}',
  },
} as const;

type Widen<T> = { [K in keyof T]: T[K] extends string ? string : Widen<T[K]> };
export type Messages = Widen<typeof zhCN>;
