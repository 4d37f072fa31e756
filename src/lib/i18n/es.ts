// The reader-facing words in Spanish: every section and key of en.ts, nothing more.
import type * as English from "./en.ts";
import { plural } from "./format.ts";

type Catalogue = typeof English;

export const locale = "es";
const count = (n: number, one: string, other: string) => plural(locale, n, { one, other });

export const layout = {
  skipToContent: "Saltar al contenido",
  siteNav: "Sitio",
  publishedWith: "Publicado con Quire.",
  footerNav: "Pie de página",
} satisfies Catalogue["layout"];

export const menu = {
  home: "Leer",
  tags: "Etiquetas",
  search: "Buscar",
  write: "Escribir",
  feed: "Canal RSS",
  signIn: "Iniciar sesión",
  profile: "Perfil",
} satisfies Catalogue["menu"];

export const list = {
  pager: "Más entradas",
  newest: "← Más recientes",
  older: "Entradas anteriores →",
  tags: "Etiquetas",
  posts: (n: number) => count(n, "# entrada", "# entradas"),
} satisfies Catalogue["list"];

export const home = {
  title: "Lo último",
  lede: "Ensayos, notas y tutoriales de quienes escriben aquí.",
  browseByTag: "Explorar por etiqueta",
  empty: "Todavía no se ha publicado nada.",
  writeFirst: "Escribir la primera entrada",
} satisfies Catalogue["home"];

export const post = {
  by: "Por",
  minRead: (minutes: number) => count(minutes, "# min de lectura", "# min de lectura"),
  description: (title: string, author: string) => `${title}, por ${author}.`,
  morePosts: "Más entradas",
  older: "← Anterior",
  newer: "Siguiente →",
  comments: "Comentarios",
} satisfies Catalogue["post"];

export const tags = {
  title: "Etiquetas",
  description: "Todos los temas sobre los que se escribe aquí.",
  lede: "Todos los temas con textos publicados.",
  none: "Todavía no hay etiquetas.",
  all: "Todas las etiquetas",
  tagDescription: (tag: string, posts: string) => `Entradas con la etiqueta ${tag} (${posts}).`,
  feed: "Canal RSS de esta etiqueta",
  empty: "Todavía no hay entradas aquí.",
  feedDescription: (tag: string, site: string) => `Entradas con la etiqueta ${tag} en ${site}.`,
} satisfies Catalogue["tags"];

export const author = {
  description: (name: string) => `Textos de ${name}.`,
  empty: "Todavía no hay entradas publicadas.",
} satisfies Catalogue["author"];

export const search = {
  title: "Buscar",
  titleFor: (query: string) => `Buscar: ${query}`,
  description: "Busca en todo lo publicado aquí.",
  label: "Buscar entradas y páginas",
  placeholder: "Palabras de un título, una entrada o una página",
  submit: "Buscar",
  nothing: (query: string) => `Nada coincide con «${query}». Prueba con menos palabras o con otras.`,
  matches: (n: number, query: string) => `${count(n, "# resultado coincide", "# resultados coinciden")} con «${query}»`,
  page: "Página",
  pager: "Más resultados",
  first: "← Primeros resultados",
  more: "Más resultados →",
} satisfies Catalogue["search"];

export const notFound = {
  title: "No encontrado",
  text: "No hay nada en esta dirección. Puede que se haya retirado, movido o borrado.",
  home: "Ir a lo último",
} satisfies Catalogue["notFound"];

export const providerError = {
  cancelledTitle: "Se canceló el inicio de sesión",
  cancelledText:
    "No permitiste que Quire usara tu cuenta del proveedor, así que no se inició ninguna sesión. Puedes intentarlo de nuevo o usar tu correo y tu contraseña.",
  expiredTitle: "Ese enlace de inicio de sesión había caducado",
  expiredText:
    "La respuesta del proveedor no coincidía con ningún inicio de sesión empezado en este navegador (puede ser antigua o haberse abierto en otro navegador). Empieza de nuevo desde la página de inicio de sesión.",
  notLinkedTitle: "Este correo ya tiene una cuenta",
  notLinkedText:
    "Existe una cuenta con esta dirección, pero el proveedor no confirmó que la dirección esté verificada o la cuenta de aquí nunca la confirmó. Inicia sesión con tu contraseña, confirma tu correo y entonces el proveedor funcionará.",
  noEmailTitle: "El proveedor no compartió ninguna dirección de correo",
  noEmailText:
    "Quire necesita una dirección de correo para crear tu cuenta. Permite que el proveedor la comparta o regístrate con correo y contraseña.",
  bannedTitle: "Esta cuenta está suspendida",
  bannedText: "Un administrador ha suspendido esta cuenta. Contacta con la administración del sitio si crees que es un error.",
  otherTitle: "No se pudo iniciar sesión",
  otherText: "Algo falló entre Quire y el proveedor de inicio de sesión. No se ha cambiado nada; inténtalo de nuevo en un momento.",
  backToSignIn: "Volver a iniciar sesión",
  home: "Ir a lo último",
  code: "Código para la administración del sitio:",
} satisfies Catalogue["providerError"];

export const authPages = {
  signInTitle: "Iniciar sesión",
  signInFirst: "Inicia sesión para continuar.",
  welcomeBack: "Te damos la bienvenida de nuevo.",
  newHere: "¿Eres nuevo aquí?",
  createAccount: "Crear una cuenta",
  signUpLede: "Escribe y publica en Quire.",
  haveAccount: "¿Ya tienes una cuenta?",
  signIn: "Iniciar sesión",
  forgotTitle: "Has olvidado tu contraseña",
  forgotHeading: "¿Has olvidado tu contraseña?",
  forgotLede: "Indica la dirección con la que te registraste y te enviaremos un enlace para elegir una nueva.",
  backToSignIn: "Volver a iniciar sesión",
  resetTitle: "Elige una contraseña nueva",
  linkExpired: "Este enlace ha caducado o ya se usó.",
  newLink: "Pedir un enlace nuevo",
} satisfies Catalogue["authPages"];

export const accountPages = {
  postsTitle: "Tus entradas",
  accountTitle: "Tu cuenta",
  signedInAs: (name: string, email: string) => `Sesión iniciada como ${name} (${email})`,
  newPost: "Nueva entrada",
  pages: "Páginas",
  media: "Multimedia",
  profile: "Perfil",
  security: "Seguridad",
  people: "Personas",
  outbox: "Bandeja de salida",
  comments: "Comentarios",
  commentsWaiting: (n: number) => count(n, "Comentarios (# en espera)", "Comentarios (# en espera)"),
  settings: "Ajustes",
  menus: "Menús",
  import: "Importar",
  redirects: "Redirecciones",
  export: "Exportar",
  exportEverything: "Exportarlo todo",
  deleted: "Se borró la entrada.",
  verified: "Tu dirección de correo está confirmada.",
  readerNote: "Puedes comentar cualquier entrada. Un administrador puede hacerte autor para que también escribas aquí.",
  readLatest: "Leer las últimas entradas",
  nothingWritten: "Todavía no has escrito nada.",
  writeFirst: "Escribe tu primera entrada",
  postTitle: "Título",
  status: "Estado",
  updatedOrDue: "Actualizada o prevista",
  dashboard: "← Panel",
  profileTitle: "Tu perfil",
  profileLede: "Cómo te ven los lectores junto a tus entradas y comentarios.",
  securityTitle: "Inicio de sesión y seguridad",
  securityLede: "Dónde tienes la sesión iniciada. Cierra la sesión de un dispositivo que no reconozcas, o de todos.",
  devices: "Dispositivos con sesión iniciada",
  password: "Contraseña",
  webhooks: "Webhooks",
  subscribers: "Suscriptores",
  apiKeys: "Claves de API",
} satisfies Catalogue["accountPages"];

export const roles = {
  reader: "lector",
  author: "autor",
  editor: "editor",
  admin: "administrador",
} satisfies Catalogue["roles"];

export const statuses = {
  draft: "borrador",
  scheduled: "programada",
  published: "publicada",
} satisfies Catalogue["statuses"];

export const comments = {
  none: "Todavía no hay comentarios.",
  count: { one: "# comentario", other: "# comentarios" },
  removed: "Este comentario se retiró.",
  edited: "(editado)",
  editLabel: "Edita tu comentario",
  saving: "Guardando…",
  save: "Guardar",
  cancel: "Cancelar",
  reply: "Responder",
  edit: "Editar",
  delete: "Borrar",
  hide: "Ocultar",
  unhide: "Mostrar",
  replyTo: "Responder a {name}",
  replyToThread: "Responder en este hilo",
  posting: "Publicando…",
  postReply: "Publicar respuesta",
  loading: "Cargando…",
  more: "Más comentarios",
  add: "Añade un comentario",
  placeholder: "Texto sin formato o Markdown sencillo: *énfasis*, `código`, [enlaces](https://…)",
  post: "Publicar comentario",
  signIn: "Inicia sesión para comentar",
  hiddenTitle: "Comentarios ocultos ({count})",
  hiddenNote: "Solo tú y los editores los veis.",
  posted: "Comentario publicado.",
  replied: "Respuesta publicada.",
  updated: "Comentario actualizado.",
  deleted: "Comentario borrado.",
  hidden: "Comentario oculto para los lectores.",
  shown: "El comentario vuelve a mostrarse.",
  confirmDelete: "¿Borrar tu comentario? Las respuestas se quedan.",
  closed: "Los comentarios están cerrados.",
  heldComment: "Gracias: tu comentario espera moderación; aparecerá aquí en cuanto un moderador lo apruebe.",
  heldReply: "Gracias: tu respuesta espera moderación; aparecerá aquí en cuanto un moderador la apruebe.",
} satisfies Catalogue["comments"];

export const commentRefusals = {
  empty: "Escribe algo primero.",
  tooLong: "Los comentarios deben tener menos de 5000 caracteres.",
  unclean: "Quita los caracteres de control invisibles (como U+001B, escape) o los caracteres dañados.",
  gone: "Esta entrada o este comentario ya no está. Recarga la página para ver lo que hay.",
  editWindow: "Los comentarios se pueden editar durante 15 minutos tras publicarlos.",
  notYours: "Ese comentario no es tuyo.",
  cannotComment: "Tu cuenta no puede comentar.",
  unavailable: "El sitio está ocupado; inténtalo de nuevo en un momento.",
  failed: "Algo falló en el servidor; ha quedado registrado. Inténtalo de nuevo en un momento.",
} satisfies Catalogue["commentRefusals"];

export const errors = {
  sessionEnded: "Tu sesión ha terminado. Vuelve a iniciarla (en otra pestaña) e inténtalo de nuevo: tu texto sigue aquí.",
  unreachable: "No se pudo contactar con el servidor. Comprueba tu conexión e inténtalo de nuevo: tu texto sigue aquí.",
} satisfies Catalogue["errors"];

export const authCommon = {
  tryAgain: "No ha funcionado. Inténtalo de nuevo.",
  tooMany: "Demasiados intentos desde tu dirección. Espera un minuto e inténtalo de nuevo.",
  unreachable: "No se pudo contactar con el servidor. Comprueba tu conexión e inténtalo de nuevo.",
} satisfies Catalogue["authCommon"];

export const authForm = {
  checkInbox: "Revisa tu bandeja de entrada",
  sentLinkBefore: "Hemos enviado un enlace a",
  sentLinkAfter: ". Ábrelo para confirmar tu dirección y tendrás la sesión iniciada.",
  noMail: "¿No llega nada en unos minutos? Mira en la carpeta de spam, o",
  signInWithPassword: "inicia sesión con tu contraseña",
  noMailEnd: ".",
  goingTo: "Yendo a {provider}…",
  continueWith: "Continuar con {provider}",
  orEmail: "o con tu correo",
  name: "Nombre",
  email: "Correo",
  password: "Contraseña",
  passwordHint: "Al menos 8 caracteres.",
  creatingAccount: "Creando la cuenta…",
  signingIn: "Iniciando sesión…",
  createAccount: "Crear cuenta",
  signIn: "Iniciar sesión",
  forgot: "¿Has olvidado tu contraseña?",
  checkForm: "No ha funcionado. Revisa el formulario e inténtalo de nuevo.",
} satisfies Catalogue["authForm"];

export const passwordForms = {
  email: "Correo",
  resetSent: "Si alguna cuenta usa {email}, va de camino un enlace para elegir una contraseña nueva. Sirve durante una hora.",
  sending: "Enviando…",
  sendLink: "Enviarme un enlace",
  resetExpired: "Este enlace ha caducado o ya se usó. Pide uno nuevo.",
  newLink: "Pedir un enlace nuevo",
  passwordReset: "Tu contraseña ha cambiado y se ha cerrado la sesión en todos los dispositivos que la tenían iniciada.",
  signInWithNew: "Iniciar sesión con la contraseña nueva",
  newPassword: "Contraseña nueva",
  passwordHint: "Al menos 8 caracteres.",
  saving: "Guardando…",
  setPassword: "Guardar la contraseña nueva",
  wrongPassword: "Tu contraseña actual no es correcta.",
  noPassword: "Tu cuenta inicia sesión con un proveedor y no tiene contraseña aquí.",
  passwordChanged: "Contraseña cambiada. Se ha cerrado la sesión en todos los demás dispositivos.",
  currentPassword: "Contraseña actual",
  changedHint: "Al menos 8 caracteres. Se cerrará la sesión en los demás dispositivos.",
  changing: "Cambiando…",
  changePassword: "Cambiar la contraseña",
} satisfies Catalogue["passwordForms"];

export const verifyEmail = {
  confirmBefore: "Confirma tu dirección de correo: hemos enviado un enlace a",
  confirmAfter: ".",
  newLinkSent: "Va de camino un enlace nuevo.",
  couldNotSend: "No se pudo enviar. Inténtalo de nuevo.",
  sending: "Enviando…",
  sendAgain: "Volver a enviar el enlace",
} satisfies Catalogue["verifyEmail"];

export const sessions = {
  thisDevice: "Este dispositivo",
  lastActive: "Última actividad: {when}",
  signedInAt: "sesión iniciada: {when}",
  signingOut: "Cerrando sesión…",
  signOut: "Cerrar sesión",
  signOutOthers: "Cerrar sesión en los demás dispositivos",
  signOutEverywhere: "Cerrar sesión en todas partes",
  deviceSignedOut: "Se cerró la sesión en {device}.",
  othersSignedOut: "Se ha cerrado la sesión en todos los demás dispositivos.",
  confirmEverywhere: "¿Cerrar sesión en todos los dispositivos, también en este?",
  couldNotSignOut: "No se pudo cerrar la sesión. Inténtalo de nuevo.",
  device: "{browser} en {os}",
  unknownDevice: "Dispositivo desconocido",
  aBrowser: "Un navegador",
} satisfies Catalogue["sessions"];

export const profileForm = {
  name: "Nombre",
  bio: "Biografía",
  bioHint: "Aparece en tu página de autor.",
  avatar: "Avatar",
  yourAvatar: "Tu avatar",
  uploadAnother: "Subir otro",
  uploadAvatar: "Subir un avatar",
  removeAvatar: "Quitar el avatar",
  makingSizes: "Preparando los tamaños del avatar…",
  uploading: "Subiendo el avatar",
  uploadFailed: "La subida falló; inténtalo de nuevo.",
  remoteAvatar:
    "Tu avatar era una dirección de otro sitio, que las páginas ya no cargan. Sube uno aquí; al guardar el perfil se quita la dirección antigua.",
  avatarHint: "Una foto cuadrada es lo que mejor queda. Los cambios se ven al guardar el perfil.",
  saving: "Guardando…",
  saveProfile: "Guardar el perfil",
  profileSaved: "Perfil guardado.",
} satisfies Catalogue["profileForm"];

export const refusals = {
  INVALID_EMAIL_OR_PASSWORD: "El correo o la contraseña no son correctos.",
  INVALID_EMAIL: "Esa dirección de correo no es válida.",
  INVALID_PASSWORD: "La contraseña no es correcta.",
  PASSWORD_TOO_SHORT: "La contraseña es demasiado corta: necesita al menos 8 caracteres.",
  PASSWORD_TOO_LONG: "La contraseña es demasiado larga: puede tener 128 caracteres como mucho.",
  INVALID_TOKEN: "Este enlace no es válido o ya se usó.",
  TOKEN_EXPIRED: "Este enlace ha caducado.",
  EMAIL_NOT_VERIFIED: "Confirma primero tu dirección de correo.",
  EMAIL_ALREADY_VERIFIED: "Esta dirección de correo ya está confirmada.",
  USER_ALREADY_EXISTS: "Ya hay una cuenta con esta dirección de correo.",
  CREDENTIAL_ACCOUNT_NOT_FOUND: "Tu cuenta inicia sesión con un proveedor y no tiene contraseña aquí.",
  SESSION_EXPIRED: "Tu sesión ha caducado. Vuelve a iniciarla.",
  BANNED_USER: "Esta cuenta está suspendida.",
  SERVICE_UNAVAILABLE: "El sitio está ocupado; inténtalo de nuevo en un momento.",
  PAYLOAD_TOO_LARGE: "El formulario es demasiado grande para enviarlo.",
} satisfies Catalogue["refusals"];

export const mail = {
  existingSubject: "Ya tienes una cuenta de Quire",
  existingText: (name: string, signIn: string, forgot: string) =>
    `Hola, ${name}:\n\nAlguien (esperamos que tú) intentó crear una cuenta de Quire con esta dirección, que ya tiene una. Inicia sesión aquí:\n\n${signIn}\n\n¿Has olvidado la contraseña? Elige una nueva aquí:\n\n${forgot}\n\nSi no fuiste tú, ignora este correo: no ha cambiado nada.\n`,
  resetSubject: "Restablece tu contraseña de Quire",
  resetText: (name: string, url: string) =>
    `Hola, ${name}:\n\nAlguien (esperamos que tú) pidió restablecer la contraseña de tu cuenta de Quire. Elige una nueva aquí antes de una hora:\n\n${url}\n\nSi no fuiste tú, ignora este correo: tu contraseña sigue igual.\n`,
  verifySubject: "Confirma tu correo para Quire",
  verifyText: (name: string, url: string) =>
    `Hola, ${name}:\n\nConfirma que esta dirección es tuya abriendo este enlace antes de una hora:\n\n${url}\n\nSi no creaste una cuenta de Quire, ignora este correo.\n`,
} satisfies Catalogue["mail"];

export const newsletter = {
  formTitle: "Recibe las entradas nuevas por correo",
  formTagTitle: (tag: string) => `Recibe por correo las entradas con #${tag}`,
  formNote: "Primero te enviamos un enlace para confirmar. Cada correo te permite darte de baja con un clic.",
  emailLabel: "Correo electrónico",
  submit: "Suscribirme",
  checkInboxTitle: "Revisa tu bandeja de entrada",
  checkInboxText:
    "Si esa dirección puede suscribirse, va en camino un correo con un enlace de confirmación. Ábrelo para empezar a recibir entradas: no se envía nada hasta entonces.",
  backHome: "Volver a las últimas entradas",
  confirmedTitle: "Te has suscrito",
  confirmedText: "Las entradas nuevas llegarán a tu bandeja. Cada correo tiene un enlace para darte de baja.",
  badLinkTitle: "Ese enlace no funciona",
  badLinkText: "Puede que tenga más de una semana o que tu programa de correo lo haya cortado. Suscríbete de nuevo para recibir otro.",
  unsubscribeTitle: "Darse de baja",
  unsubscribeText: "¿Dejar de recibir las entradas nuevas por correo? Puedes volver a suscribirte cuando quieras.",
  unsubscribeButton: "Darme de baja",
  unsubscribedTitle: "Te has dado de baja",
  unsubscribedText: "No llegarán más boletines a esta dirección.",
  badEmail: "Escribe una dirección de correo, como nombre@example.com.",
  tooMany: "Demasiados intentos desde tu dirección. Espera un minuto y vuelve a intentarlo.",
  tryAgain: "Intentar de nuevo",
  senderName: (author: string, site: string) => `${author} · ${site}`,
  by: (author: string) => `Por ${author}`,
  viewInBrowser: "Ver en el navegador",
  unsubscribe: "Darse de baja",
  footer: (site: string) => `Recibes este correo porque te suscribiste a ${site}.`,
  confirmSubject: (site: string) => `Confirma tu suscripción a ${site}`,
  confirmText: (site: string, url: string) =>
    `Hola:\n\nAlguien (esperamos que tú) pidió recibir en esta dirección las entradas nuevas de ${site}. Confirma antes de una semana abriendo este enlace:\n\n${url}\n\nSi no fuiste tú, ignora este correo: no se enviará nada.\n`,
} satisfies Catalogue["newsletter"];
