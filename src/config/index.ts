export { type Config, describeConfig, formatSettingsHelp, loadConfig } from './config.js';
export { GROUPS, qualifiedName, TOPICS, type TopicRole, topicName } from './names.js';
export { SETTINGS, type Setting } from './settings.js';
