// The throttling plugin uses bottleneck's light build; we build our pacing groups from the same.
declare module 'bottleneck/light.js' {
  import Bottleneck from 'bottleneck';
  export default Bottleneck;
}
