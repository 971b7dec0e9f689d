/**
 * Request and response shapes of shardline.v1.StreamService, with the proto field names in
 * lowerCamelCase. Responses are normalised: lists are always arrays, numbers numbers,
 * booleans booleans and enums their proto zero value when the server left them out; strings
 * that are only sometimes set stay optional.
 *
 * One file per part of the service; this one gathers them, so clients import from one place.
 */
export type * from './stream-shapes.js'
export type * from './control-plane-types.js'
export type * from './stream-settings-types.js'
export type * from './resharding-types.js'
export type * from './fan-out-types.js'
export type * from './data-plane-types.js'
