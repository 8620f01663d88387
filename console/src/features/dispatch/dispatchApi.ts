import { api } from '../../app/api.ts';
import type {
  AssignTasksBody,
  CapExport,
  CreateIncidentBody,
  Department,
  DepartmentReport,
  DepartmentTask,
  DutyRoster,
  DutySheet,
  EmergencyMeetingResult,
  Incident,
  IncidentAction,
  IncidentDetail,
  Notice,
  RosterBody,
  Task,
  TaskAction,
  UpdateIncidentBody,
} from '../../../../signaling/src/protocol/dispatch.ts';

/** The dispatch centre's endpoints (/api/dispatch), injected into the one api. */
const withTags = api.enhanceEndpoints({ addTagTypes: ['Incident', 'DepartmentTask', 'Duty', 'Notice'] });

export const dispatchApi = withTags.injectEndpoints({
  endpoints: (build) => ({
    getIncidents: build.query<Incident[], { state: string }>({
      query: ({ state }) => ({ url: '/dispatch/incidents', params: { state } }),
      transformResponse: (body: { incidents: Incident[] }) => body.incidents,
      providesTags: ['Incident'],
    }),
    getIncident: build.query<IncidentDetail, string>({
      query: (id) => `/dispatch/incidents/${id}`,
      providesTags: (_r, _e, id) => [{ type: 'Incident', id }],
    }),
    createIncident: build.mutation<{ incident: Incident }, CreateIncidentBody>({
      query: (body) => ({ url: '/dispatch/incidents', method: 'POST', body }),
      invalidatesTags: ['Incident'],
    }),
    updateIncident: build.mutation<{ incident: Incident }, { id: string; body: UpdateIncidentBody }>({
      query: ({ id, body }) => ({ url: `/dispatch/incidents/${id}`, method: 'PATCH', body }),
      invalidatesTags: ['Incident'],
    }),
    incidentAction: build.mutation<{ incident: Incident }, { id: string; action: IncidentAction; reason?: string }>({
      query: ({ id, action, reason }) => ({ url: `/dispatch/incidents/${id}/actions`, method: 'POST', body: { action, reason } }),
      invalidatesTags: ['Incident', 'DepartmentTask'],
    }),
    addNote: build.mutation<{ ok: true }, { id: string; text: string }>({
      query: ({ id, text }) => ({ url: `/dispatch/incidents/${id}/notes`, method: 'POST', body: { text } }),
      invalidatesTags: (_r, _e, { id }) => [{ type: 'Incident', id }],
    }),
    assignTasks: build.mutation<{ tasks: Task[] }, { id: string } & AssignTasksBody>({
      query: ({ id, ...body }) => ({ url: `/dispatch/incidents/${id}/tasks`, method: 'POST', body }),
      invalidatesTags: ['Incident'],
    }),
    startEmergencyMeeting: build.mutation<EmergencyMeetingResult, { id: string; again: boolean }>({
      query: ({ id, again }) => ({ url: `/dispatch/incidents/${id}/meeting`, method: 'POST', body: { again } }),
      invalidatesTags: (_r, _e, { id }) => [{ type: 'Incident', id }, 'Meeting'],
    }),
    exportCap: build.mutation<CapExport, string>({
      query: (id) => ({ url: `/dispatch/incidents/${id}/cap`, method: 'POST' }),
      invalidatesTags: (_r, _e, id) => [{ type: 'Incident', id }],
    }),
    getDepartmentTasks: build.query<DepartmentTask[], void>({
      query: () => '/dispatch/tasks/mine',
      transformResponse: (body: { tasks: DepartmentTask[] }) => body.tasks,
      providesTags: ['DepartmentTask'],
    }),
    taskAction: build.mutation<{ task: Task }, { id: string; action: TaskAction; text?: string }>({
      query: ({ id, action, text }) => ({ url: `/dispatch/tasks/${id}/actions`, method: 'POST', body: { action, text } }),
      invalidatesTags: ['DepartmentTask', 'Incident'],
    }),
    getDepartments: build.query<Department[], void>({
      query: () => '/dispatch/departments',
      transformResponse: (body: { departments: Department[] }) => body.departments,
    }),
    getDutySheet: build.query<DutySheet, string | undefined>({
      query: (day) => ({ url: '/dispatch/duty', params: day ? { day } : {} }),
      providesTags: ['Duty'],
    }),
    putRoster: build.mutation<{ roster: DutyRoster }, { day: string; departmentId: string } & RosterBody>({
      query: ({ day, departmentId, ...body }) => ({ url: `/dispatch/rosters/${day}/${departmentId}`, method: 'PUT', body }),
      invalidatesTags: ['Duty'],
    }),
    getReport: build.query<DepartmentReport, { from: string; to: string }>({
      query: (params) => ({ url: '/dispatch/report', params }),
    }),
    getNotices: build.query<Notice[], void>({
      query: () => '/dispatch/notices',
      transformResponse: (body: { notices: Notice[] }) => body.notices,
      providesTags: ['Notice'],
    }),
  }),
});

export const {
  useGetIncidentsQuery,
  useGetIncidentQuery,
  useCreateIncidentMutation,
  useUpdateIncidentMutation,
  useIncidentActionMutation,
  useAddNoteMutation,
  useAssignTasksMutation,
  useStartEmergencyMeetingMutation,
  useExportCapMutation,
  useGetDepartmentTasksQuery,
  useTaskActionMutation,
  useGetDepartmentsQuery,
  useGetDutySheetQuery,
  usePutRosterMutation,
  useGetReportQuery,
  useGetNoticesQuery,
} = dispatchApi;
