// The console's words in English and Russian: one catalogue with typed keys. `ru` is typed against
// the English keys, so a missing word fails the typecheck (and test/unit/console-i18n.test.ts).
export const locales = ['en', 'ru'] as const;
export type ConsoleLocale = (typeof locales)[number];

/** Each language names itself in the switch. */
export const localeNames: Record<ConsoleLocale, string> = { en: 'English', ru: 'Русский' };

const en = {
  'app.loading': 'Loading…',
  'app.configError': 'The console could not load its settings: {error}',
  'app.skip': 'Skip to content',

  'login.title': 'Log in to ringdesk',
  'login.demoNote': 'Demo logins of the local stack. Pick who you are:',
  'login.as': 'Log in as {name}',

  'role.agent': 'Agent',
  'role.analyst': 'Supervisor',
  'role.admin': 'Administrator',
  'login.extension': 'ext. {extension}',

  'header.nav': 'Main',
  'header.language': 'Language',
  'header.logout': 'Log out',
  'header.user': 'Logged in as {name}',

  'live.connecting': 'Connecting…',
  'live.connected': 'Connected',
  'live.reconnecting': 'Reconnecting…',

  'nav.tickets': 'Tickets',
  'nav.employees': 'Employees',

  'notAllowed.title': 'Not allowed',
  'notAllowed.body': 'Your access level does not include this page.',
  'notFound.title': 'Page not found',
  'notFound.back': 'Go to tickets',

  'popup.incoming': 'Incoming call',
  'popup.outgoing': 'Call',
  'popup.region': 'Calls',
  'popup.ringing': 'Ringing',
  'popup.talking': 'In conversation',
  'popup.ended': 'Call ended',
  'popup.unknownCaller': 'Unknown number',
  'popup.close': 'Close',
  'popup.findCustomer': 'Find a customer to link',
  'popup.createTicket': 'Create a ticket',
  'popup.ticketCreated': 'Ticket created',
  'popup.openTicket': 'Open the ticket',
  'popup.linkedTo': 'Linked to {name}',

  'field.fullName': 'Name',
  'field.email': 'Email',
  'field.company': 'Company',
  'field.phones': 'Phones',
  'field.note': 'Note',

  'search.label': 'Search customers',
  'search.submit': 'Search',
  'search.none': 'No customer matches.',
  'search.results': 'Customers found',
  'search.link': 'Link {name}',
  'search.linkButton': 'Link',

  'ticketForm.title': 'New ticket from this call',
  'ticketForm.subject': 'Subject',
  'ticketForm.summary': 'What was the call about',
  'ticketForm.submit': 'Save ticket',
  'ticketForm.cancel': 'Cancel',

  'tickets.title': 'Tickets',
  'tickets.status': 'Status',
  'tickets.allStatuses': 'All',
  'tickets.subject': 'Subject',
  'tickets.phone': 'Phone',
  'tickets.updated': 'Updated',
  'tickets.empty': 'No tickets.',
  'tickets.more': 'Show more',
  'tickets.refresh': 'Refresh',

  'status.open': 'Open',
  'status.pending': 'Pending',
  'status.closed': 'Closed',

  'handset.missed': 'Missed call',
  'handset.resolved': 'Missed call, called back',

  'ticket.back': 'All tickets',
  'ticket.customer': 'Customer',
  'ticket.customerNumber': 'Phone',
  'ticket.created': 'Created',
  'ticket.statusLabel': 'Status',
  'ticket.saveStatus': 'Change status',
  'ticket.messages': 'Messages',
  'ticket.noMessages': 'No messages yet.',
  'ticket.noSummary': 'No summary.',
  'ticket.callInProgress': 'Call in progress: the recording is attached when it ends.',
  'ticket.recording': 'Recording',
  'ticket.addNote': 'Add a note',
  'ticket.note': 'Note',
  'ticket.saveNote': 'Add note',
  'ticket.notFound': 'This ticket does not exist.',

  'message.call': 'Call',
  'message.call_attempt': 'Call attempt',
  'message.note': 'Note',
  'message.by': 'by {name}',

  'employees.title': 'Employees',
  'employees.name': 'Name',
  'employees.extension': 'Extension',
  'employees.email': 'Email',
  'employees.role': 'Access level',
  'employees.active': 'Active',
  'employees.yes': 'yes',
  'employees.no': 'no',

  'error.generic': 'Something went wrong: {message}',
  'error.retry': 'Try again',
} as const;

export type MessageKey = keyof typeof en;

const ru: Record<MessageKey, string> = {
  'app.loading': 'Загрузка…',
  'app.configError': 'Консоль не смогла загрузить настройки: {error}',
  'app.skip': 'К содержимому',

  'login.title': 'Вход в ringdesk',
  'login.demoNote': 'Демо-входы локального стенда. Выберите, кто вы:',
  'login.as': 'Войти как {name}',

  'role.agent': 'Оператор',
  'role.analyst': 'Руководитель',
  'role.admin': 'Администратор',
  'login.extension': 'доб. {extension}',

  'header.nav': 'Разделы',
  'header.language': 'Язык',
  'header.logout': 'Выйти',
  'header.user': 'Вы вошли как {name}',

  'live.connecting': 'Подключение…',
  'live.connected': 'На связи',
  'live.reconnecting': 'Переподключение…',

  'nav.tickets': 'Обращения',
  'nav.employees': 'Сотрудники',

  'notAllowed.title': 'Нет доступа',
  'notAllowed.body': 'Ваш уровень доступа не включает эту страницу.',
  'notFound.title': 'Страница не найдена',
  'notFound.back': 'К обращениям',

  'popup.incoming': 'Входящий звонок',
  'popup.outgoing': 'Звонок',
  'popup.region': 'Звонки',
  'popup.ringing': 'Звонит',
  'popup.talking': 'Идёт разговор',
  'popup.ended': 'Звонок завершён',
  'popup.unknownCaller': 'Неизвестный номер',
  'popup.close': 'Закрыть',
  'popup.findCustomer': 'Найти пользователя для связки',
  'popup.createTicket': 'Создать обращение',
  'popup.ticketCreated': 'Обращение создано',
  'popup.openTicket': 'Открыть обращение',
  'popup.linkedTo': 'Связан с: {name}',

  'field.fullName': 'Имя',
  'field.email': 'Email',
  'field.company': 'Компания',
  'field.phones': 'Телефоны',
  'field.note': 'Заметка',

  'search.label': 'Поиск пользователей',
  'search.submit': 'Найти',
  'search.none': 'Никого не нашлось.',
  'search.results': 'Найденные пользователи',
  'search.link': 'Связать: {name}',
  'search.linkButton': 'Связать',

  'ticketForm.title': 'Новое обращение по звонку',
  'ticketForm.subject': 'Тема',
  'ticketForm.summary': 'Суть звонка',
  'ticketForm.submit': 'Создать',
  'ticketForm.cancel': 'Отмена',

  'tickets.title': 'Обращения',
  'tickets.status': 'Статус',
  'tickets.allStatuses': 'Все',
  'tickets.subject': 'Тема',
  'tickets.phone': 'Телефон',
  'tickets.updated': 'Обновлено',
  'tickets.empty': 'Обращений нет.',
  'tickets.more': 'Показать ещё',
  'tickets.refresh': 'Обновить',

  'status.open': 'Открытое',
  'status.pending': 'В ожидании',
  'status.closed': 'Закрытое',

  'handset.missed': 'Пропущенный звонок',
  'handset.resolved': 'Пропущенный звонок, перезвонили',

  'ticket.back': 'Все обращения',
  'ticket.customer': 'Пользователь',
  'ticket.customerNumber': 'Телефон',
  'ticket.created': 'Создано',
  'ticket.statusLabel': 'Статус',
  'ticket.saveStatus': 'Изменить статус',
  'ticket.messages': 'Сообщения',
  'ticket.noMessages': 'Сообщений пока нет.',
  'ticket.noSummary': 'Без описания.',
  'ticket.callInProgress': 'Звонок в процессе: запись появится после его окончания.',
  'ticket.recording': 'Запись разговора',
  'ticket.addNote': 'Добавить заметку',
  'ticket.note': 'Заметка',
  'ticket.saveNote': 'Добавить',
  'ticket.notFound': 'Такого обращения нет.',

  'message.call': 'Звонок',
  'message.call_attempt': 'Попытка звонка',
  'message.note': 'Заметка',
  'message.by': 'автор: {name}',

  'employees.title': 'Сотрудники',
  'employees.name': 'Имя',
  'employees.extension': 'Добавочный',
  'employees.email': 'Email',
  'employees.role': 'Уровень доступа',
  'employees.active': 'Активен',
  'employees.yes': 'да',
  'employees.no': 'нет',

  'error.generic': 'Что-то пошло не так: {message}',
  'error.retry': 'Повторить',
};

export const catalogue: Record<ConsoleLocale, Record<MessageKey, string>> = { en, ru };

export function isLocale(value: unknown): value is ConsoleLocale {
  return typeof value === 'string' && (locales as readonly string[]).includes(value);
}

/** The text of `key` in `locale`, with `{name}` placeholders filled from `params`. */
export function translate(locale: ConsoleLocale, key: MessageKey, params?: Record<string, string | number>): string {
  const text = catalogue[locale][key];
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}
