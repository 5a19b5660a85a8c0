(()=>{var b,Ue,Et,U,ye,ce,Ve,ae,qe,Se,be,Mt,ee=Symbol.for("pv"),ue={},pe=[],Ot=/^m(i|n|o|s|text|space)$/,ke=Array.isArray,xe=pe.slice,J=Object.assign;function B(e){e&&e.parentNode&&e.remove()}function Fe(e,t,n){var r,i,o,a={},s=arguments.length;for(o in t)o=="key"?r=t[o]:o=="ref"&&typeof e!="function"?i=t[o]:a[o]=t[o];return s>2&&(a.children=s>3?xe.call(arguments,2):n),Y(e,a,r,i,null)}function Y(e,t,n,r,i){var o={type:e,props:t,key:n,ref:r,__k:null,__:null,__b:0,__e:null,__c:null,constructor:ee,__v:i||++Ue,__i:-1,__u:0};return!i&&b.vnode&&b.vnode(o),o}function _e(e){return e.children}function ie(e,t){this.props=e,this.context=t,this.__g=0}function V(e,t){if(t==null)return e.__&&V(e.__,e.__i+1);for(var n;t<e.__k.length;t++)if((n=e.__k[t])&&n.__e)return n.__e;return typeof e.type!="function"||e.props.__P?null:V(e)}function At(e){var t,n=e.__v,r=n.__e,i=[],o=[],a=e.__P;a&&((t=J({constructor:ee},n)).__v=n.__v+1,b.vnode&&b.vnode(t),we(a,t,n,e.__n,a.namespaceURI,32&n.__u?[r]:null,i,r||V(n),32&n.__u,o),t.__v=n.__v,t.__.__k[t.__i]=t,Qe(i,t,o),n.__=n.__e=null,t.__e!=r&&We(t))}function We(e){if((e=e.__)&&e.__c&&!e.props.__P)return e.__e=null,e.__k.some(function(t){return t&&(e.__e=t.__e)}),We(e)}function He(e){(8&e.__g||(e.__g|=8,U.push(e),ce++))&&ye==b.debounceRendering||((ye=b.debounceRendering)||queueMicrotask)(Be)}function Be(){try{for(var e,t=1;U.length;)U.length>t&&U.sort(Ve),e=U.shift(),t=U.length,8&e.__g&&At(e)}finally{(ce=U.length)&&(ye||queueMicrotask)(Be)}}function Je(e,t,n,r,i,o,a,s,l,_,c){var d,f,u,h,k,m,y=r.__k||pe,$=t.length;for(l=Pt(n,t,y,l,$),d=0;d<$;d++)(u=n.__k[d])!=null&&(f=~u.__i&&y[u.__i]||ue,u.__i=d,m=we(e,u,f,i,o,a,s,l,_,c),h=u.__e,(f.ref!=u.ref||8&f.__u)&&(f.ref&&Te(f.ref,null,u,f),u.ref&&c.push(u.ref,u.__c||h,u)),k=k||h,4&u.__u?(l=Ge(u,l,e,!f.__v),f.__e&&(f.__e=null)):typeof u.type=="function"&&m!==void 0?l=m:h&&(l=h.nextSibling),u.__u&=-21);return n.__e=k,l}function Pt(e,t,n,r,i){var o,a,s,l,_,c,d,f,u,h=n.length,k=h,m=0,y=0,$=e.__k=Array(i);for(o=0;o<i;o++)(a=t[o])!=null&&typeof a!="boolean"&&typeof a!="function"?(typeof a!="object"||a.constructor===String?a=$[o]=Y(null,a):ke(a)?a=$[o]=Y(_e,{children:a}):a.constructor===ee&&a.__b?a=$[o]=Y(a.type,a.props,a.key,a.ref,a.__v):$[o]=a,l=o+m,a.__=e,a.__b=e.__b+1,s=null,~(_=a.__i=Dt(a,n,l,k))&&(k--,(s=n[_])&&(s.__u|=2)),s&&s.__v?(a.__u|=16,_==l-1?m--:_==l+1?m++:_!=l&&(_>l?m--:m++,y=1)):(~_||(i>h?m--:i<h&&m++),typeof a.type!="function"&&(a.__u|=4))):$[o]=null;if(y){for(c=[],d=[],o=0;o<i;o++)if((a=$[o])&&16&a.__u){for(m=0,f=c.length;m<f;)c[u=m+f>>1]<a.__i?m=u+1:f=u;c[m]=a.__i,d[o]=m+1}for(m=c.length;o--;)d[o]&&(d[o]==m?m--:$[o].__u|=4)}if(k)for(o=0;o<h;o++)!(s=n[o])||2&s.__u||(s.__e==r&&(r=V(s)),Ce(s,s));return r}function Ge(e,t,n,r){var i,o,a,s;if(typeof e.type=="function"){if(e.props.__P)return t;if(i=e.__k)for(o=0;o<i.length;o++)i[o]&&(i[o].__=e,t=Ge(i[o],t,n,!1));return t}for(t&&!t.parentNode&&(t=V(e))&&!t.parentNode&&(t=null),a=e.__e,s=t;s&&s.nodeType==8;)s=s.nextSibling;for(a!=s&&(!r&&n.moveBefore&&a.parentNode?n.moveBefore(a,t):n.insertBefore(a,t||null)),t=a;(t=t&&t.nextSibling)&&t.nodeType==8&&!t.data.startsWith("$s"););return t}function Dt(e,t,n,r){var i,o=e.key,a=e.type,s=t[n],l=s&&!(2&s.__u);if(s===null&&o==null||l&&o==s.key&&a==s.type)return n;if(r>(l?1:0)){for(i=n-1;i>=0;i--)if((s=t[i])&&!(2&s.__u)&&o==s.key&&a==s.type)return i;for(i=n+1;i<t.length;i++)if((s=t[i])&&!(2&s.__u)&&o==s.key&&a==s.type)return i}return-1}function je(e,t,n){n==null&&(n=""),t[0]=="-"?e.setProperty(t,n):e[t]=n}function se(e,t,n,r,i){var o,a;if(t=="style")if(typeof n=="string")e.style.cssText=n;else{if(typeof r=="string"&&(e.style.cssText=r=""),r)for(t in r)n&&t in n||je(e.style,t);if(n)for(t in n)r&&n[t]==r[t]||je(e.style,t,n[t])}else if(t[0]=="o"&&t[1]=="n")typeof n!="function"&&(n=null),typeof r!="function"&&(r=null),(e.__e||(e.__e={}))[t]=n,n&&r||(a=be[t]||(be[t]=Lt(t)),(e.__a||(e.__a={}))[t]=Se,o=t!=(t=t.replace(qe,"$1")),(t=t.slice(2))[0]<"a"&&(t=t.toLowerCase()),n?e.addEventListener(t,a,o):e.removeEventListener(t,a,o));else{if(i=="http://www.w3.org/2000/svg")t=t.replace(/xlink(H|:h)/,"h").replace(/sName$/,"s");else if(t!="width"&&t!="height"&&t!="href"&&t!="list"&&t!="form"&&t!="tabIndex"&&t!="download"&&t!="rowSpan"&&t!="colSpan"&&t!="role"&&t!="popover"&&t in e)try{return void(e[t]=n??"")}catch{}if(typeof n=="function")return;n==null||n===!1&&t[4]!="-"?e.removeAttribute(t):e.setAttribute(t,t=="popover"&&n==1?"":n)}}function Lt(e){return function(t){var n=this.__e;if(n){if(n=n[e],t[ae]==null)t[ae]=Se++;else if(t[ae]<this.__a[e])return;return n(b.event?b.event(t):t)}}}function we(e,t,n,r,i,o,a,s,l,_){var c,d,f,u,h,k,m,y,$,v,g,I,Q,X,D,Le,j,W,L=t.type;if(t.constructor!==ee)return null;128&n.__u&&(l=32&n.__u,c=n.__c.__z)&&(t.__u|=l,d=o=[],c.nodeType==8?s=le(c,o):o.push(c),s=o[0]||s),(c=b.__b)&&c(t);e:if(typeof L=="function"){f=a.length;try{if(y=t.props,$=(c=L.prototype)&&c.render,v=(c=L.contextType)&&r[c.__c],g=c?v?v.props.value:c.__:r,(u=n.__c)?(t.__c=u,2&u.__g&&(u.__g|=1)):($?t.__c=u=new L(y,g):(t.__c=u=new ie(y,g),u.constructor=L,u.render=jt),v&&v.sub(u),u.state||(u.state={}),u.__n=r,u.__g|=8,u.__h=[],u.__k=[]),$&&(u.__s||(u.__s=u.state),L.getDerivedStateFromProps&&(u.__s==u.state&&(u.__s=J({},u.__s)),J(u.__s,L.getDerivedStateFromProps(y,u.__s)))),h=u.props,k=u.state,u.__v=t,n.__c){if(y!==h&&$&&!L.getDerivedStateFromProps&&u.componentWillReceiveProps&&u.componentWillReceiveProps(y,g),t.__v==n.__v&&!(8&u.__g)||!(4&u.__g)&&u.shouldComponentUpdate&&u.shouldComponentUpdate(y,u.__s,g)===!1){t.__v!=n.__v&&(u.props=y,u.state=u.__s,u.__g&=-9),t.__e=n.__e,t.__k=n.__k,t.__k.some(function(E){E&&(E.__=t)}),pe.push.apply(u.__h,u.__k),u.__k=[],u.__h.length&&a.push(u),s=V(n);break e}u.componentWillUpdate&&u.componentWillUpdate(y,u.__s,g),$&&u.componentDidUpdate&&u.__h.push(function(){u.componentDidUpdate(h,k,m)})}else $&&!L.getDerivedStateFromProps&&u.componentWillMount&&u.componentWillMount(),$&&u.componentDidMount&&u.__h.push(u.componentDidMount);u.context=g,u.props=y,u.__P=e,u.__g&=-5,I=b.__r,Q=$?25:0;do u.__g&=-9,I&&I(t),c=u.render(u.props,u.state=u.__s,u.context);while(8&u.__g&&++Q<25);$&&(pe.push.apply(u.__h,u.__k),u.__k=[]),u.state=u.__s,u.getChildContext&&(r=J({},r,u.getChildContext())),$&&n.__c&&u.getSnapshotBeforeUpdate&&(m=u.getSnapshotBeforeUpdate(h,k)),X=c&&c.type===_e&&c.key==null?c.props.children:c,y.__P&&(c=s,i=(e=y.__P).namespaceURI,l=o=null,n.props&&n.props.__P!=e&&(n.__k.some(function(E){E&&Ce(E,E)}),n.__k=null),s=n.__k?V(n,0):null),s=Je(e,ke(X)?X:[X],t,n,r,i,o,a,s,l,_),y.__P&&(t.__e=null,s=c),t.__u&=-161,d&&d.some(B),u.__h.length&&a.push(u),1&u.__g&&(u.__g&=-4)}catch(E){if(a.length=f,t.__v=null,l||o)if(E&&E.then){if(t.__u|=128|l,o){for(~(j=o.indexOf(s||void 0))||(j=o.length);(W=o[j-1])&&W.nodeType==8;)j--;for(;j<o.length;j++)if(W=o[j])if(o[j]=null,D){if(W==Le)break}else{if(W.nodeType!=8)break;W.data.startsWith("$s")&&(Le=le(D=W))}}if(!D){for(;s&&s.nodeType==8&&s.nextSibling;)s=s.nextSibling;D=s}(c=le(D=t.__c.__z||(t.__c.__z=D)))?(t.__e=D,s=c):t.__e=s,s=s&&s.nextSibling}else o&&o.some(B);else t.__e=n.__e;t.__k||(t.__k=n.__k||[]),E&&E.then||Ke(t),b.__e(E,t,n)}}else s=t.__e=Ht(n.__e,t,n,r,i,o,a,l,_,e);return(c=b.diffed)&&c(t),s}function le(e,t){if(e&&e.nodeType==8&&e.data.startsWith("$s"))for(var n=1;e=e.nextSibling;){if(e.nodeType==8){if(e.data.startsWith("$s"))n++;else if(e.data.startsWith("/$s")&&!--n)return e}t&&t.push(e)}}function Ke(e){e&&(e.__c&&(e.__c.__g|=4),e.__k&&e.__k.some(Ke))}function Qe(e,t,n){for(var r=0;r<n.length;)Te(n[r++],n[r++],n[r++]);b.__c&&b.__c(t,e),e.some(function(i){try{e=i.__h,i.__h=[],e.some(function(o){o.call(i)})}catch(o){b.__e(o,i.__v)}})}function Ht(e,t,n,r,i,o,a,s,l,_){var c,d,f,u,h,k,m,y,$=n.props||ue,v=t.props,g=t.type;if(g=="svg"?i="http://www.w3.org/2000/svg":g=="math"?i="http://www.w3.org/1998/Math/MathML":i||(i="http://www.w3.org/1999/xhtml"),o){for(c=0;c<o.length;c++)if((h=o[c])&&(g?h.localName==g:h.nodeType==3)){e=h,o[c]=null;break}}if(!e){if(y=_.ownerDocument||document,!g)return y.createTextNode(v);e=y.createElementNS(i,g,v.is?v:_),s&&(b.__m&&b.__m(t,o),s=!1),o=null}if(g){if(_=g=="template"&&e.content||e,o=g=="textarea"&&v.defaultValue!=null?null:o&&xe.call(_.childNodes),!s&&o)for($={},c=0;c<e.attributes.length;c++)$[(h=e.attributes[c]).name]=h.value;for(c in $)h=$[c],c=="dangerouslySetInnerHTML"?f=h:c=="children"||c in v||c=="value"&&"defaultValue"in v||c=="checked"&&"defaultChecked"in v||se(e,c,null,h,i);for(c in v)h=v[c],c=="children"?u=h:c=="dangerouslySetInnerHTML"?d=h:c=="value"?k=h:c=="checked"?m=h:s&&typeof h!="function"||$[c]===h||se(e,c,h,$[c],i);d?(s||f&&(d.__html==f.__html||d.__html==e.innerHTML)||(e.innerHTML=d.__html),t.__k=[]):(f&&(e.textContent=""),(g=="foreignObject"||i=="http://www.w3.org/1998/Math/MathML"&&Ot.test(g))&&(i="http://www.w3.org/1999/xhtml"),Je(_,ke(u)?u:[u],t,n,r,i,o,a,o?o[0]:n.__k&&V(n,0),s,l),o&&o.some(B)),s&&g!="textarea"||(c="value",g=="progress"&&k==null?e.removeAttribute(c):k==null||k===e[c]&&(g!="progress"||k)||se(e,c,k,$[c],i),c="checked",m!=null&&m!=e[c]&&se(e,c,m,$[c],i))}else $===v||s&&e.data==v||(e.data=v);return e}function Te(e,t,n,r){try{typeof e=="function"?t?t.__x=e(t)||1:r&&(r=r.__c||r.__e)&&(t=r.__x)&&(r.__x=null,typeof t=="function"?t():e(null)):e.current=t}catch(i){b.__e(i,n)}}function Ce(e,t,n){var r,i,o,a;if(b.unmount&&b.unmount(e),!(r=e.ref)||r.current&&r.current!=e.__e||Te(r,null,t,e),r=e.__c){if(r.componentWillUnmount)try{r.componentWillUnmount()}catch(s){b.__e(s,t)}r.__P=r.__n=null}if(r=e.__k)for(a=0;a<r.length;a++)r[a]&&Ce(r[a],t,typeof e.type!="function"||n&&!e.props.__P);!n&&(r=e.__c)&&(r=r.__z)&&(i=le(r,o=[]))&&(r==e.__e&&o.some(B),B(i),B(r)),n||B(e.__e),e.__e=e.__c=e.__=null}function jt(e,t,n){return this.constructor(e,n)}function Xe(e,t){var n,r,i,o;b.__&&b.__(e,t),t.nodeType==9&&(t=t.documentElement),r=(n=e&&32&e.__u)?null:t.__k,t.__k=Y(_e,{children:[e]}),i=[],o=[],we(t,t.__k,r||ue,ue,t.namespaceURI,r?null:t.firstChild?xe.call(t.childNodes):null,i,r?r.__e:t.firstChild,n,o),Qe(i,t.__k,o),t.__k.props.children=null}b={__e:function(e,t,n,r){for(var i,o,a;t=t.__;)if((i=t.__c)&&!(1&i.__g)){i.__g|=4;try{if((a=(o=i.constructor)&&o.getDerivedStateFromError)&&i.setState(o.getDerivedStateFromError(e)),i.componentDidCatch&&(i.componentDidCatch(e,r||{}),a=1),a&&8&i.__g)return void(i.__g|=2)}catch(s){e=s}}throw ce=0,e}},Ue=0,Et=function(e){return e!=null&&e.constructor===ee},ie.prototype.setState=function(e,t){var n=this.__s;n&&n!=this.state||(n=this.__s=J({},this.state)),typeof e=="function"&&(e=e(J({},n),this.props)),e&&(J(n,e),this.__v&&(t&&this.__k.push(t),He(this)))},ie.prototype.forceUpdate=function(e){this.__v&&(this.__g|=4,e&&this.__h.push(e),He(this))},ie.prototype.render=_e,U=[],ce=0,Ve=function(e,t){return e.__v.__b-t.__v.__b},ae=Symbol(),qe=/(PointerCapture)$|Capture$/i,Se=0,be={},Mt=0;var Ze=function(e,t,n,r){var i;t[0]=0;for(var o=1;o<t.length;o++){var a=t[o++],s=t[o]?(t[0]|=a?1:2,n[t[o++]]):t[++o];a===3?r[0]=s:a===4?r[1]=Object.assign(r[1]||{},s):a===5?(r[1]=r[1]||{})[t[++o]]=s:a===6?r[1][t[++o]]+=s+"":a?(i=e.apply(s,Ze(e,s,n,["",null])),r.push(i),s[0]?t[0]|=2:(t[o-2]=0,t[o]=i)):r.push(s)}return r},ze=new Map;function Ye(e){var t=ze.get(this);return t||(t=new Map,ze.set(this,t)),(t=Ze(this,t.get(e)||(t.set(e,t=(function(n){for(var r,i,o=1,a="",s="",l=[0],_=function(f){o===1&&(f||(a=a.replace(/^\s*\n\s*|\s*\n\s*$/g,"")))?l.push(0,f,a):o===3&&(f||a)?(l.push(3,f,a),o=2):o===2&&a==="..."&&f?l.push(4,f,0):o===2&&a&&!f?l.push(5,0,!0,a):o>=5&&((a||!f&&o===5)&&(l.push(o,0,a,i),o=6),f&&(l.push(o,f,0,i),o=6)),a=""},c=0;c<n.length;c++){c&&(o===1&&_(),_(c));for(var d=0;d<n[c].length;d++)r=n[c][d],o===1?r==="<"?(_(),l=[l],o=3):a+=r:o===4?a==="--"&&r===">"?(o=1,a=""):a=r+a[0]:s?r===s?s="":a+=r:r==='"'||r==="'"?s=r:r===">"?(_(),o=1):o&&(r==="="?(o=5,i=a,a=""):r==="/"&&(o<5||n[c][d+1]===">")?(_(),o===3&&(l=l[0]),o=l,(l=l[0]).push(2,0,o),o=0):r===" "||r==="	"||r===`
`||r==="\r"?(_(),o=2):a+=r),o===3&&a==="!--"&&(o=4,l=l[0])}return _(),l})(e)),t),arguments,[])).length>1?t:t[0]}var p=Ye.bind(Fe);var ne,T,Re,et,Ne=Object.is,de=0,ct=[],Ie=[],x=b,tt=x.__b,nt=x.__r,rt=x.diffed,ot=x.__c,st=x.unmount,at=x.__;function Me(e,t){x.__h&&x.__h(T,e,de||t),de=0;var n=T.__H||(T.__H={__:[],__h:[]});return e>=n.__.length&&n.__.push({}),n.__[e]}function S(e){return de=1,Ut(_t,e)}function Ut(e,t,n){var r=Me(ne++,2);if(r.t=e,!r.__c&&(r.__=[n?n(t):_t(void 0,t),function(o){var a=(r.__N||r.__)[0],s=r.t(a,o);Ne(a,s)||(r.__N=[s,r.__[1]],r.__c.setState({}))}],r.__c=T,!T.__f)){T.__f=!0;var i=T.shouldComponentUpdate;T.shouldComponentUpdate=function(o,a,s){var l=this.__H;if(!l)return!0;var _=!1,c=this.props!=o;if(l.__.some(function(f){f.__N&&(_=!0,Ne(f.__[0],f.__N[0])||(c=!0))}),i){var d=i.call(this,o,a,s);return _?d||c:d}return!_||c}}return r.__}function C(e,t){var n=Me(ne++,3);!x.__s&&pt(n.__H,t)&&(n.__P=!0,n.__=e,n.u=t,T.__H.__h.push(n))}function ut(e){return de=5,re(function(){return{current:e}},[])}function re(e,t){var n=Me(ne++,7);return pt(n.__H,t)&&(n.__=e(),n.__H=t),n.__}function Vt(){var e;do{for(;e=Ie.shift();)try{te(e)}catch(n){x.__e(n,{__:(e=e.__P)&&e.__v})}for(;e=ct.shift();){var t=e.__H;if(e.__P&&t)try{t.__h.some(te),t.__h.some(Ee),t.__h=[]}catch(n){t.__h=[],x.__e(n,e.__v)}}}while(Ie.length)}x.__b=function(e){T=null,tt&&tt(e)},x.__=function(e,t){e&&t.__k&&t.__k.__m&&(e.__m=t.__k.__m),at&&at(e,t)},x.__r=function(e){nt&&nt(e),ne=0;var t=(T=e.__c).__H;t&&(Re==T?T.__h=[]:(t.__h.some(te),t.__h.some(Ee),ne=0),t.__h=[],t.__.some(function(n){n.__N&&(n.__=n.__N),n.u=n.__N=void 0})),Re=T},x.diffed=function(e){rt&&rt(e);var t=e.__c;t&&t.__H&&(t.__H.__h.length&&lt(ct.push(t)),t.__H.__.some(function(n){n.u&&(n.__H=n.u)})),Re=T=null},x.__c=function(e,t){t.some(function(n){try{n.__h.some(te),n.__h=n.__h.filter(function(r){return!r.__||Ee(r)})}catch(r){n.__h=[function(){throw r}]}}),ot&&ot(e,t)},x.unmount=function(e){st&&st(e);var t,n,r=e.__c;r&&r.__H&&(r.__H.__.some(function(i){try{if(i.__P&&i.__c){if(n===void 0){for(n=e.__;n&&(!n.__c||!n.__c.__P);)n=n.__;n=n&&n.__c}i.__P=n,lt(Ie.push(i))}else te(i)}catch(o){t=o}}),r.__H=void 0,t&&x.__e(t,r.__v))};var it=typeof requestAnimationFrame=="function";function qt(e){var t,n=function(){clearTimeout(r),it&&cancelAnimationFrame(t),setTimeout(e)},r=setTimeout(n,35);it&&(t=requestAnimationFrame(n))}function lt(e){e!=1&&et==x.requestAnimationFrame||((et=x.requestAnimationFrame)||qt)(Vt)}function te(e){var t=T,n=e.__c;typeof n=="function"&&(e.__c=void 0,n()),T=t}function Ee(e){var t=T;e.__c=e.__(),T=t}function pt(e,t){return!e||e.length!=t.length||t.some(function(n,r){return!Ne(n,e[r])})}function _t(e,t){return typeof t=="function"?t(e):t}function dt(e=location.hash){let[t,n=""]=e.replace(/^#/,"").split("?"),r=t.split("/").filter(Boolean);return{view:r[0]||"search",arg:r[1]?decodeURIComponent(r[1]):null,params:Object.fromEntries(new URLSearchParams(n))}}function R(e,t,n={}){let r=Object.fromEntries(Object.entries(n).filter(([,o])=>o!=null&&o!=="")),i=new URLSearchParams(r).toString();return`#/${e}${t?"/"+encodeURIComponent(t):""}${i?"?"+i:""}`}function M(e,t,n,r=!1){let i=R(e,t,n);r?history.replaceState(null,"",i):location.hash=i,r&&window.dispatchEvent(new HashChangeEvent("hashchange"))}function ft(){let[e,t]=S(dt());return C(()=>{let n=()=>t(dt());return window.addEventListener("hashchange",n),()=>window.removeEventListener("hashchange",n)},[]),e}var Oe="/graphql";async function O(e,t={}){let n=await fetch(Oe,{method:"POST",headers:{"content-type":"application/json",accept:"application/json"},body:JSON.stringify({query:e,variables:t})}),r;try{r=await n.json()}catch{throw new Error(`HTTP ${n.status}`)}if(r.errors&&r.errors.length)throw new Error(r.errors.map(i=>i.message).join("; "));return r.data}function mt(e,t){let n=new URLSearchParams({q:e.trim()});return t&&Object.keys(t).length&&n.set("variables",JSON.stringify(t)),`${Oe}?${n}`}function ht(e,t,n,r){let i=new URL(Oe,location.href);i.protocol=i.protocol==="https:"?"wss:":"ws:";let o=new WebSocket(i,"graphql-transport-ws"),a=!1;return o.onopen=()=>o.send(JSON.stringify({type:"connection_init",payload:{}})),o.onmessage=s=>{let l=JSON.parse(s.data);l.type==="connection_ack"?o.send(JSON.stringify({id:"1",type:"subscribe",payload:{query:e,variables:t}})):l.type==="ping"?o.send(JSON.stringify({type:"pong"})):l.type==="next"?l.payload.errors?r(l.payload.errors.map(_=>_.message).join("; ")):n(l.payload.data):l.type==="error"&&r(l.payload.map(_=>_.message).join("; "))},o.onclose=s=>{a||r(`connection closed (${s.code}${s.reason?": "+s.reason:""})`)},()=>{a=!0,o.readyState===WebSocket.OPEN&&o.send(JSON.stringify({id:"1",type:"complete"})),o.close()}}function w(e){return e==null||Number.isNaN(e)?"\u2013":e<1?`${(e*1e3).toFixed(0)} \xB5s`:e<1e3?`${e<10?e.toFixed(2):e.toFixed(1)} ms`:e<6e4?`${(e/1e3).toFixed(2)} s`:`${(e/6e4).toFixed(1)} min`}function N(e){return e?new Date(e).toISOString().replace("T"," ").replace(/\.\d+Z$/,"Z").replace("Z"," UTC"):"\u2013"}function z(e,t=2){return e==null?"\u2013":Math.abs(e)>=100?e.toFixed(0):e.toFixed(t)}function q(e){return typeof e=="string"?e:JSON.stringify(e)}function fe(e){return e?e>=17?"sev-error":e>=13?"sev-warn":e>=9?"sev-info":"sev-debug":"sev-unset"}var me=900,G=180,A=40;function $t({traces:e}){let t=e.map(s=>Date.parse(s.startTime)),n=Math.min(...t),r=Math.max(...t,n+1),i=Math.max(...e.map(s=>s.durationMs),1),o=s=>A+(s-n)/(r-n)*(me-2*A),a=s=>G-A/2-s/i*(G-A);return p`<figure class="scatter">
    <svg viewBox=${`0 0 ${me} ${G}`} role="group" aria-label="Trace duration over time">
      <line x1=${A} y1=${G-A/2} x2=${me-A} y2=${G-A/2} class="axis" />
      <text x=${A} y=${G-4} class="tick">${N(new Date(n).toISOString())}</text>
      <text x=${me-A} y=${G-4} class="tick" text-anchor="end">${N(new Date(r).toISOString())}</text>
      <text x="4" y="14" class="tick">${w(i)}</text>
      ${e.map((s,l)=>p`<a href=${R("trace",s.traceId)} aria-label=${`${s.rootName}: ${w(s.durationMs)}`}>
        <circle cx=${o(t[l])} cy=${a(s.durationMs)} r="5" class=${s.errorCount?"dot error":"dot"}>
          <title>${s.rootName}: ${w(s.durationMs)}</title></circle></a>`)}
    </svg>
    <figcaption class="muted">Duration over time; click a dot to open the trace.</figcaption>
  </figure>`}var Ft=["15m","1h","6h","24h","7d","30d"],Wt=["EQ","NEQ","GT","GTE","LT","LTE","CONTAINS","REGEX","EXISTS","NOT_EXISTS"],Bt={time:"START_TIME_DESC","time-asc":"START_TIME_ASC",duration:"DURATION_DESC","duration-asc":"DURATION_ASC"},Pe="query Services($timeRange: TimeRange) { services(timeRange: $timeRange) { name } }",Jt=`query Operations($service: String, $timeRange: TimeRange) {
  operations(service: $service, timeRange: $timeRange) { name kind spanCount } }`,Gt="query Keys($prefix: String) { attributeKeys(scope: SPAN, prefix: $prefix, first: 50) { key } }",Kt=`query Values($key: String!, $prefix: String) {
  attributeValues(scope: SPAN, key: $key, prefix: $prefix, first: 50) }`,Qt=`query Traces($filter: TraceFilter, $orderBy: TraceOrder) {
  traces(filter: $filter, first: 100, orderBy: $orderBy) {
    totalCount
    nodes { traceId rootService rootName startTime durationMs spanCount errorCount status services }
    facets(keys: ["rootService", "rootName", "status"], first: 8) { key values { value count } otherCount }
  }
}`;function Ae(e){try{let t=JSON.parse(e||"[]");return Array.isArray(t)?t.filter(n=>n&&n.key):[]}catch{return[]}}function Xt(e){if(!(e===""||e===void 0))return/^-?\d+(\.\d+)?$/.test(e)?Number(e):e==="true"||e==="false"?e==="true":e}function zt(e){let t={timeRange:e.from||e.to?{from:e.from||null,to:e.to||null}:{last:e.last||"1h"}};e.service&&(t.service=e.service),e.operation&&(t.spanName=e.operation),e.status&&(t.status=e.status),e.minMs&&(t.minDurationMs=Number(e.minMs)),e.maxMs&&(t.maxDurationMs=Number(e.maxMs));let n=Ae(e.attrs).map(r=>{let i={key:r.key,op:r.op||"EQ"};return["EXISTS","NOT_EXISTS"].includes(i.op)||(i.value=Xt(r.value)),i});return n.length&&(t.attributes=n),t}function oe(e,t,n){let r=JSON.stringify(n),[i,o]=S({data:null,error:null,key:null});return C(()=>{let a=!0;return O(e,t).then(s=>a&&o({data:s,error:null,key:r}),s=>a&&o({data:null,error:s.message,key:r})),()=>{a=!1}},[r]),{...i,loading:i.key!==r}}function Zt({index:e,attr:t,onChange:n,onRemove:r}){let[i,o]=S([]),[a,s]=S([]);C(()=>{let _=setTimeout(()=>O(Gt,{prefix:t.key||null}).then(c=>o(c.attributeKeys.map(d=>d.key)),()=>{}),150);return()=>clearTimeout(_)},[t.key]),C(()=>{if(!t.key)return;let _=setTimeout(()=>O(Kt,{key:t.key,prefix:t.value||null}).then(c=>s(c.attributeValues.map(q)),()=>{}),150);return()=>clearTimeout(_)},[t.key,t.value]);let l=_=>c=>n({...t,[_]:c.target.value});return p`<div class="attr-row">
    <label>Attribute key <input name=${`attr-key-${e}`} list=${`keys-${e}`} value=${t.key}
      onInput=${l("key")} placeholder="http.route" autocomplete="off" /></label>
    <datalist id=${`keys-${e}`}>${i.map(_=>p`<option value=${_} />`)}</datalist>
    <label>Operator <select name=${`attr-op-${e}`} value=${t.op||"EQ"} onChange=${l("op")}>
      ${Wt.map(_=>p`<option value=${_}>${_}</option>`)}</select></label>
    <label>Value <input name=${`attr-value-${e}`} list=${`values-${e}`} value=${t.value??""}
      onInput=${l("value")} autocomplete="off" /></label>
    <datalist id=${`values-${e}`}>${a.map(_=>p`<option value=${_} />`)}</datalist>
    <button type="button" class="secondary" onClick=${r} aria-label=${`Remove attribute filter ${e+1}`}>×</button>
  </div>`}function Yt({params:e}){let[t,n]=S(e),[r,i]=S(Ae(e.attrs));C(()=>{n(e),i(Ae(e.attrs))},[JSON.stringify(e)]);let o={last:t.last||"1h"},a=oe(Pe,{timeRange:o},[t.last]),s=oe(Jt,{service:t.service||null,timeRange:o},[t.service,t.last]),l=d=>f=>n({...t,[d]:f.target.value}),_=d=>{d.preventDefault();let f=r.filter(u=>u.key);M("search",null,{...t,attrs:f.length?JSON.stringify(f):""})},c=[...new Set((s.data?.operations||[]).map(d=>d.name))];return p`<form class="search" onSubmit=${_} role="search" aria-label="Trace search">
    <div class="fields">
      <label>Time range <select name="last" value=${t.last||"1h"} onChange=${l("last")}>
        ${Ft.map(d=>p`<option value=${d}>last ${d}</option>`)}</select></label>
      <label>Service <select name="service" value=${t.service||""} onChange=${d=>n({...t,service:d.target.value,operation:""})}>
        <option value="">all services</option>
        ${(a.data?.services||[]).map(d=>p`<option value=${d.name}>${d.name}</option>`)}</select></label>
      <label>Operation <select name="operation" value=${t.operation||""} onChange=${l("operation")}>
        <option value="">all operations</option>
        ${c.map(d=>p`<option value=${d}>${d}</option>`)}</select></label>
      <label>Min duration (ms) <input name="minMs" type="number" min="0" step="any" value=${t.minMs||""} onInput=${l("minMs")} /></label>
      <label>Max duration (ms) <input name="maxMs" type="number" min="0" step="any" value=${t.maxMs||""} onInput=${l("maxMs")} /></label>
      <label>Status <select name="status" value=${t.status||""} onChange=${l("status")}>
        <option value="">any</option><option value="ERROR">error</option><option value="OK">ok</option></select></label>
    </div>
    ${r.map((d,f)=>p`<${Zt} index=${f} attr=${d}
        onChange=${u=>i(r.map((h,k)=>k===f?u:h))}
        onRemove=${()=>i(r.filter((u,h)=>h!==f))} />`)}
    <div class="actions">
      <button type="button" class="secondary" onClick=${()=>i([...r,{key:"",op:"EQ",value:""}])}>Add attribute filter</button>
      <button type="submit">Find traces</button>
    </div>
  </form>`}var vt=(e,t)=>`${e} ${t}${e===1?"":"s"}`;function gt({params:e,field:t,label:n}){let r=e.sort||"time",i=r.startsWith(t),o=r===t?`${t}-asc`:t,a=i?r.endsWith("-asc")?" \u25B2":" \u25BC":"";return p`<th scope="col" aria-sort=${i?r.endsWith("-asc")?"ascending":"descending":"none"}>
    <a href=${R("search",null,{...e,sort:o})}>${n}${a}</a></th>`}function en({facets:e,params:t}){let n={rootService:"service",rootName:"operation",status:"status"};return p`<aside class="facets" aria-label="Facets">
    ${e.map(r=>p`<section><h3>${r.key}</h3><ul>
      ${r.values.map(i=>p`<li><a href=${R("search",null,{...t,[n[r.key]]:i.value})}>
        ${q(i.value)}</a> <span class="count">${i.count}</span></li>`)}
      ${r.otherCount?p`<li class="muted">other <span class="count">${r.otherCount}</span></li>`:null}
    </ul></section>`)}
  </aside>`}function tn({params:e}){let t={filter:zt(e),orderBy:Bt[e.sort||"time"]},n=oe(Qt,t,[JSON.stringify(t)]);if(n.error)return p`<p class="error" role="alert">${n.error}</p>`;if(!n.data)return p`<p class="muted" aria-busy="true">Searching…</p>`;let{nodes:r,totalCount:i,facets:o}=n.data.traces;return p`<section class="results" aria-label="Results" aria-busy=${n.loading?"true":"false"}>
    <h2>${vt(i,"trace")}${i>r.length?` (newest ${r.length} shown)`:""}</h2>
    ${r.length?p`<${$t} traces=${r} />`:null}
    <div class="results-body">
      <table class="traces">
        <thead><tr>
          <${gt} params=${e} field="time" label="Start" />
          <th scope="col">Root</th><th scope="col">Services</th><th scope="col">Spans</th>
          <${gt} params=${e} field="duration" label="Duration" />
        </tr></thead>
        <tbody>${r.map(a=>p`<tr class=${a.errorCount?"has-error":""}>
          <td>${N(a.startTime)}</td>
          <td><a href=${R("trace",a.traceId)}>${a.rootService||"?"}: ${a.rootName||a.traceId}</a></td>
          <td>${a.services.join(", ")}</td>
          <td>${a.spanCount}${a.errorCount?p` <span class="badge error">${vt(a.errorCount,"error")}</span>`:null}</td>
          <td class="num">${w(a.durationMs)}</td>
        </tr>`)}</tbody>
      </table>
      <${en} facets=${o} params=${e} />
    </div>
  </section>`}function yt({params:e}){return p`<div><h1>Search traces</h1><${Yt} params=${e} /><${tn} params=${e} /></div>`}var F=26,bt=12;function St(e,t){let n=new Map,r=null,i=0;for(let l of e){let _=BigInt(l.startTimeUnixNano);(r===null||_<r)&&(r=_),n.set(l.spanId,{span:l,spanId:l.spanId,children:[],logs:[],depth:0,offset:0})}let o=[];for(let l of n.values()){l.offset=Number(BigInt(l.span.startTimeUnixNano)-r)/1e6,i=Math.max(i,l.offset+l.span.durationMs);let _=l.span.parentSpanId&&n.get(l.span.parentSpanId);_?_.children.push(l):o.push(l)}for(let l of t)n.get(l.spanId)?.logs.push(l);let a=l=>l.sort((_,c)=>_.offset-c.offset),s=a(o).map(l=>l).reverse();for(;s.length;){let l=s.pop();a(l.children);for(let _=l.children.length-1;_>=0;_--)l.children[_].depth=l.depth+1,s.push(l.children[_])}return{roots:o,byId:n,total:Math.max(i,.001)}}function nn(e,t){return e+t<=85||e>15?"wf-dur":"wf-dur inside"}function rn(e,t){return e+t<=85?`left:${e+t}%`:e>15?`right:${100-e}%;margin-right:4px`:`left:${e}%;margin-left:6px`}function on(e,t){let n=[],r=[...e].reverse();for(;r.length;){let i=r.pop();if(n.push(i),!t.has(i.spanId))for(let o=i.children.length-1;o>=0;o--)r.push(i.children[o])}return n}function kt({tree:e,selected:t,onSelect:n,highlight:r}){let[i,o]=S(()=>new Set),[a,s]=S(0),[l,_]=S(600),c=ut(null),d=re(()=>on(e.roots,i),[e,i]);C(()=>{c.current&&_(c.current.clientHeight||600)},[d.length]);let f=m=>{let y=new Set(i);y.has(m)?y.delete(m):y.add(m),o(y)},u=Math.max(0,Math.floor(a/F)-bt),h=Math.min(d.length,Math.ceil((a+l)/F)+bt),k=(m,y)=>{let $={ArrowDown:1,ArrowUp:-1}[m.key];if($){m.preventDefault();let v=d[Math.min(d.length-1,Math.max(0,y+$))];n(v.spanId);let g=c.current,I=d.indexOf(v)*F;I<g.scrollTop?g.scrollTop=I:I+F>g.scrollTop+g.clientHeight&&(g.scrollTop=I+F-g.clientHeight),requestAnimationFrame(()=>g.querySelector(`[data-span-id="${v.spanId}"] .span-name`)?.focus())}else if(m.key==="ArrowLeft"||m.key==="ArrowRight"){let v=d[y];v.children.length&&m.key==="ArrowLeft"!==i.has(v.spanId)&&f(v.spanId)}};return p`<section class="waterfall" aria-label="Waterfall">
    <div class="wf-head" aria-hidden="true"><span>Span</span><span>0</span><span>${w(e.total)}</span></div>
    <div class="wf-scroll" ref=${c} style=${`height:${d.length*F+2}px`} onScroll=${m=>s(m.currentTarget.scrollTop)} role="tree"
      aria-label=${`Spans (${d.length} shown)`}>
      <div style=${`height:${d.length*F}px;position:relative`}>
        ${d.slice(u,h).map((m,y)=>{let $=u+y,v=m.span,g=m.offset/e.total*100,I=Math.max(v.durationMs/e.total*100,.2),Q=!i.has(m.spanId),X=["wf-row",v.status.code==="ERROR"?"error":"",m.spanId===t?"selected":"",r?.has(m.spanId)?"critical":""].join(" ");return p`<div class=${X} style=${`top:${$*F}px`} data-span-id=${m.spanId}
              role="treeitem" aria-level=${m.depth+1} aria-selected=${m.spanId===t}
              aria-expanded=${m.children.length?Q:void 0}>
            <div class="wf-label" style=${`padding-left:${m.depth*14+4}px`}>
              ${m.children.length?p`<button class="toggle" aria-label=${`${Q?"Collapse":"Expand"} ${v.name}`}
                    onClick=${()=>f(m.spanId)}>${Q?"\u25BE":"\u25B8"}</button>`:p`<span class="toggle-space"></span>`}
              <button class="span-name" onClick=${()=>n(m.spanId)} onKeyDown=${D=>k(D,$)}
                title=${`${v.service}: ${v.name}`}>
                <span class="svc">${v.service}</span> ${v.name}</button>
            </div>
            <div class="wf-track">
              <div class="wf-bar" style=${`left:${g}%;width:${I}%`}></div>
              <span class=${nn(g,I)} style=${rn(g,I)}>${w(v.durationMs)}</span>
            </div>
          </div>`})}
      </div>
    </div>
  </section>`}function Z({title:e,object:t}){let n=Object.entries(t||{}).filter(([,r])=>r!=null);return n.length?p`<section><h3>${e}</h3><table class="kv"><tbody>
    ${n.map(([r,i])=>p`<tr><th scope="row">${r}</th><td>${q(i)}</td></tr>`)}
  </tbody></table></section>`:null}function xt({node:e,onClose:t}){let n=e.span;return p`<aside class="span-detail" aria-label="Span detail">
    <header><h2>${n.name}</h2>
      <button class="secondary" onClick=${t} aria-label="Close span detail">×</button></header>
    <dl class="summary">
      <div><dt>Service</dt><dd>${n.service}</dd></div>
      <div><dt>Kind</dt><dd>${n.kind}</dd></div>
      <div><dt>Duration</dt><dd>${w(n.durationMs)}</dd></div>
      <div><dt>Starts at</dt><dd>+${w(e.offset)}</dd></div>
      <div><dt>Status</dt><dd class=${n.status.code==="ERROR"?"error":""}>
        ${n.status.code}${n.status.message?`: ${n.status.message}`:""}</dd></div>
      <div><dt>Span id</dt><dd><code>${n.spanId}</code></dd></div>
    </dl>
    ${n.http?p`<${Z} title="HTTP" object=${n.http} />`:null}
    ${n.db?p`<${Z} title="Database" object=${n.db} />`:null}
    ${n.genAi?p`<${Z} title="Generative AI" object=${n.genAi} />`:null}
    <${Z} title="Attributes" object=${n.attributes} />
    ${n.events.length?p`<section><h3>Events${n.events.length===he?` (the first ${he})`:""}</h3><ul class="events">
      ${n.events.map(r=>p`<li><strong>${r.name}</strong> <span class="muted">${N(r.time)}</span>
        <${Z} title="" object=${r.attributes} /></li>`)}</ul></section>`:null}
    ${n.links.length?p`<section><h3>Links${n.links.length===$e?` (the first ${$e})`:""}</h3><ul>
      ${n.links.map(r=>p`<li><a href=${R("trace",r.traceId,{span:r.spanId})}>
        trace ${r.traceId.slice(0,12)}…, span ${r.spanId}</a></li>`)}</ul></section>`:null}
    <section><h3>Logs in this span (${e.logs.length})</h3>
      ${e.logs.length?p`<ul class="log-list">${e.logs.map(r=>p`<li class=${fe(r.severityNumber)}>
        <span class="sev">${r.severityText||r.severityNumber||"\u2013"}</span> <span class="body">${q(r.body)}</span></li>`)}</ul>`:p`<p class="muted">None.</p>`}
    </section>
    <${Z} title="Resource" object=${n.resource.attributes} />
    ${n.scope?p`<p class="muted">Scope: ${n.scope.name} ${n.scope.version||""}</p>`:null}
  </aside>`}var sn=[["","all"],["5","debug+"],["9","info+"],["13","warn+"],["17","error+"]];function wt({logs:e,tree:t,params:n,onSeverity:r,onSelect:i}){let o=Number(n.sev||0),a=e.filter(s=>(s.severityNumber||0)>=o);return p`<section class="logs-panel" aria-label="Trace logs">
    <header><h2>Logs (${a.length} of ${e.length})</h2>
      <label>Minimum severity <select name="sev" value=${n.sev||""} onChange=${s=>r(s.target.value)}>
        ${sn.map(([s,l])=>p`<option value=${s}>${l}</option>`)}</select></label></header>
    ${a.length?p`<table class="logs"><thead><tr><th scope="col">Time</th><th scope="col">Severity</th>
      <th scope="col">Service</th><th scope="col">Span</th><th scope="col">Body</th></tr></thead><tbody>
      ${a.map(s=>{let l=s.spanId&&t.byId.get(s.spanId);return p`<tr class=${fe(s.severityNumber)}>
          <td>${N(s.timestamp)}</td><td class="sev">${s.severityText||s.severityNumber||"\u2013"}</td>
          <td>${s.service}</td>
          <td>${l?p`<button class="link" onClick=${()=>i(s.spanId)}>${l.span.name}</button>`:"\u2013"}</td>
          <td class="body">${q(s.body)}</td></tr>`})}</tbody></table>`:p`<p class="muted">No logs at this severity.</p>`}
  </section>`}var he=50,$e=20,Tt=`query TraceView($traceId: ID!) {
  trace(traceId: $traceId) {
    traceId rootName rootService startTime durationMs spanCount errorCount status services
    spans(first: 10000) {
      spanId parentSpanId name kind service startTimeUnixNano durationMs traceState
      status { code message }
      semanticType attributes
      http { method route url statusCode scheme serverAddress userAgent }
      db { system namespace operation collection statement }
      genAi { system operation agentName requestModel responseModel inputTokens outputTokens totalTokens cost }
      events(first: ${he}) { name time attributes }
      links(first: ${$e}) { traceId spanId attributes }
      resource { attributes }
      scope { name version }
    }
    logs(first: 10000) { id timestamp severityNumber severityText body attributes spanId service }
  }
}`;function an(e){return e.criticalPath?new Set(e.criticalPath.map(t=>t.spanId)):null}function Ct({traceId:e,params:t}){let[n,r]=S({trace:void 0,error:null,received:0});C(()=>{let o=!0;return r({trace:void 0,error:null,received:0}),O(Tt,{traceId:e}).then(a=>o&&r({trace:a.trace,error:null,received:performance.now()}),a=>o&&r({trace:null,error:a.message,received:0})),()=>{o=!1}},[e]);let i=mt(Tt,{traceId:e});return n.error?p`<p class="error" role="alert">${n.error}</p>`:n.trace===void 0?p`<p class="muted" aria-busy="true">Loading trace ${e}…</p>`:n.trace===null?p`<div><h1>Trace not found</h1><p>No trace ${e} is stored.</p></div>`:p`<${ln} trace=${n.trace} received=${n.received} params=${t} link=${i} />`}function ln({trace:e,received:t,params:n,link:r}){let i=re(()=>St(e.spans,e.logs),[e]),o=n.span?i.byId.get(n.span):null;C(()=>{requestAnimationFrame(()=>{let s=performance.now()-t;document.body.dataset.traceRenderMs=s.toFixed(1),performance.measure?.("trace-render",{start:t,duration:s})})},[e]);let a=s=>M("trace",e.traceId,{...n,span:s},!0);return p`<div class="trace-view">
    <header class="trace-head">
      <h1>${e.rootService||"?"}: ${e.rootName||e.traceId}</h1>
      <dl class="summary">
        <div><dt>Trace</dt><dd><code>${e.traceId}</code></dd></div>
        <div><dt>Start</dt><dd>${N(e.startTime)}</dd></div>
        <div><dt>Duration</dt><dd>${w(e.durationMs)}</dd></div>
        <div><dt>Spans</dt><dd>${e.spanCount}</dd></div>
        <div><dt>Errors</dt><dd>${e.errorCount}</dd></div>
        <div><dt>Services</dt><dd>${e.services.join(", ")}</dd></div>
      </dl>
      <p><a href=${r} target="_blank" rel="noopener">View query in GraphiQL</a>
        · <a href=${`/api/traces/${e.traceId}`}>OTLP JSON</a>
        · <a href=${R("search")}>Back to search</a></p>
    </header>
    <div class="trace-body">
      <${kt} tree=${i} selected=${o?.spanId} onSelect=${a}
        highlight=${an(e)} />
      ${o?p`<${xt} node=${o} tree=${i}
        onClose=${()=>M("trace",e.traceId,{...n,span:""},!0)} />`:null}
    </div>
    <${wt} logs=${e.logs} tree=${i} params=${n}
      onSeverity=${s=>M("trace",e.traceId,{...n,sev:s},!0)} onSelect=${a} />
  </div>`}var cn=`query Red($filter: SpanFilter) {
  spanStats(filter: $filter, groupBy: ["service", "name"], first: 200,
            measures: [{op: COUNT}, {op: RATE}, {op: ERROR_RATE}, {op: P50}, {op: P95}, {op: P99}]) {
    measures source groups { key other values }
  }
}`,un=["15m","1h","6h","24h","7d"];function Rt({params:e}){let t=e.last||"1h",[n,r]=S({data:null,error:null});C(()=>{r({data:null,error:null});let a={timeRange:{last:t},...e.service?{service:e.service}:{}};O(cn,{filter:a}).then(s=>r({data:s,error:null}),s=>r({data:null,error:s.message}))},[t,e.service]);let i=oe(Pe,{timeRange:{last:t}},[t]),o=a=>s=>M("red",null,{...e,[a]:s.target.value});return p`<div><h1>RED per service and operation</h1>
    <div class="fields">
      <label>Time range <select name="last" value=${t} onChange=${o("last")}>
        ${un.map(a=>p`<option value=${a}>last ${a}</option>`)}</select></label>
      <label>Service <select name="service" value=${e.service||""} onChange=${o("service")}>
        <option value="">all services</option>
        ${(i.data?.services||[]).map(a=>p`<option value=${a.name}>${a.name}</option>`)}</select></label>
    </div>
    ${n.error?p`<p class="error" role="alert">${n.error}</p>`:null}
    ${n.data?p`<table class="red"><thead><tr><th scope="col">Service</th><th scope="col">Operation</th>
      <th scope="col">Spans</th><th scope="col">Rate (/s)</th><th scope="col">Errors</th>
      <th scope="col">p50</th><th scope="col">p95</th><th scope="col">p99</th></tr></thead><tbody>
      ${n.data.spanStats.groups.map(a=>{let[s,l,_,c,d,f]=a.values,u=a.other?"(other)":a.key.name;return p`<tr class=${_>0?"has-error":""}><td>${a.other?"(other)":a.key.service}</td>
          <td>${a.other?u:p`<a href=${R("search",null,{last:t,service:a.key.service,operation:a.key.name})}>${u}</a>`}</td>
          <td class="num">${s}</td><td class="num">${z(l,3)}</td>
          <td class="num">${z((_||0)*100,1)}%</td>
          <td class="num">${w(c)}</td><td class="num">${w(d)}</td><td class="num">${w(f)}</td></tr>`})}</tbody></table>
      <p class="muted">Answered from ${n.data.spanStats.source}.</p>`:n.error?null:p`<p class="muted" aria-busy="true">Loading…</p>`}
  </div>`}var pn="query MetricNames { metrics(first: 100) { nodes { name type unit } } }",_n=`query MetricSeries($name: String!, $timeRange: TimeRange, $step: String, $aggregation: Aggregation) {
  metric(name: $name) { name type unit description
    series(timeRange: $timeRange, step: $step, aggregation: $aggregation) { labels service points { time value } } }
}`,dn=["","AVG","SUM","MIN","MAX","COUNT","LAST","RATE","INCREASE"],ve=["#2563eb","#d97706","#059669","#dc2626","#7c3aed","#0891b2","#be185d","#4b5563"],ge=900,K=260,P=44;function fn({series:e,unit:t}){let n=e.flatMap(c=>c.points.filter(d=>typeof d.value=="number"));if(!n.length)return p`<p class="muted">No points in this range.</p>`;let r=n.map(c=>Date.parse(c.time)),i=Math.min(...r),o=Math.max(...r,i+1),a=Math.max(...n.map(c=>c.value),0),s=Math.min(...n.map(c=>c.value),0),l=c=>P+(c-i)/(o-i)*(ge-2*P),_=c=>K-P/2-(c-s)/(a-s||1)*(K-P);return p`<figure class="chart"><svg viewBox=${`0 0 ${ge} ${K}`} role="img" aria-label="Metric series chart">
    <line x1=${P} y1=${K-P/2} x2=${ge-P} y2=${K-P/2} class="axis" />
    <text x="4" y="14" class="tick">${z(a)} ${t}</text>
    <text x=${P} y=${K-4} class="tick">${N(new Date(i).toISOString())}</text>
    <text x=${ge-P} y=${K-4} class="tick" text-anchor="end">${N(new Date(o).toISOString())}</text>
    ${e.map((c,d)=>{let f=c.points.filter(h=>typeof h.value=="number"),u=ve[d%ve.length];return p`<g><polyline fill="none" stroke=${u} stroke-width="2"
        points=${f.map(h=>`${l(Date.parse(h.time))},${_(h.value)}`).join(" ")} />
        ${f.map(h=>p`<circle cx=${l(Date.parse(h.time))} cy=${_(h.value)} r="3" fill=${u}>
          <title>${N(h.time)}: ${z(h.value)} ${t}</title></circle>`)}</g>`})}
  </svg><figcaption><ul class="legend">${e.map((c,d)=>p`<li><span class="swatch" style=${`background:${ve[d%ve.length]}`}></span>
    ${c.service||""} ${JSON.stringify(c.labels)}</li>`)}</ul></figcaption></figure>`}function Nt({params:e}){let[t,n]=S([]),[r,i]=S({data:null,error:null}),o={last:"1h",step:"1m",...e};C(()=>{O(pn).then(s=>n(s.metrics.nodes),()=>{})},[]),C(()=>{o.name&&(i({data:null,error:null}),O(_n,{name:o.name,timeRange:{last:o.last},step:o.step,aggregation:o.agg||null}).then(s=>i({data:s,error:null}),s=>i({data:null,error:s.message})))},[o.name,o.last,o.step,o.agg]);let a=s=>l=>M("metrics",null,{...o,[s]:l.target.value});return p`<div><h1>Metrics</h1>
    <div class="fields">
      <label>Metric <select name="name" value=${o.name||""} onChange=${a("name")}><option value="">choose…</option>
        ${t.map(s=>p`<option value=${s.name}>${s.name} (${s.type.toLowerCase()})</option>`)}</select></label>
      <label>Time range <select name="last" value=${o.last} onChange=${a("last")}>
        ${["15m","1h","6h","24h","7d"].map(s=>p`<option value=${s}>last ${s}</option>`)}</select></label>
      <label>Step <select name="step" value=${o.step} onChange=${a("step")}>
        ${["1m","5m","15m","1h"].map(s=>p`<option value=${s}>${s}</option>`)}</select></label>
      <label>Aggregation <select name="agg" value=${o.agg||""} onChange=${a("agg")}>
        ${dn.map(s=>p`<option value=${s}>${s||"default"}</option>`)}</select></label>
    </div>
    ${r.error?p`<p class="error" role="alert">${r.error}</p>`:null}
    ${r.data?.metric?p`<${fn} series=${r.data.metric.series} unit=${r.data.metric.unit} />`:null}
  </div>`}var mn=`subscription LiveSpans($filter: SpanFilter) {
  spans(filter: $filter) { cursor nodes { traceId spanId name service durationMs startTime status { code } } }
}`,hn=500;function It({params:e}){let[t,n]=S([]),[r,i]=S("connecting"),[o,a]=S(!1);C(()=>{if(o){i("paused");return}let l={};return e.service&&(l.service=e.service),e.status&&(l.status=e.status),i("connecting"),ht(mn,{filter:l},_=>{i("live");let c=_.spans.nodes;c.length&&n(d=>[...c.slice().reverse(),...d].slice(0,hn))},_=>i(`error: ${_}`))},[e.service,e.status,o]);let s=l=>_=>M("live",null,{...e,[l]:_.target.value});return p`<div><h1>Live tail</h1>
    <div class="fields">
      <label>Service <input name="service" value=${e.service||""} onChange=${s("service")} /></label>
      <label>Status <select name="status" value=${e.status||""} onChange=${s("status")}>
        <option value="">any</option><option value="ERROR">error</option><option value="OK">ok</option></select></label>
      <button type="button" class="secondary" onClick=${()=>a(!o)}>${o?"Resume":"Pause"}</button>
      <span class="muted" role="status">${r} · ${t.length} spans</span>
    </div>
    <table class="live"><thead><tr><th scope="col">Start</th><th scope="col">Service</th><th scope="col">Span</th>
      <th scope="col">Duration</th></tr></thead><tbody>
      ${t.map(l=>p`<tr class=${l.status.code==="ERROR"?"has-error":""}>
        <td>${N(l.startTime)}</td><td>${l.service}</td>
        <td><a href=${R("trace",l.traceId,{span:l.spanId})}>${l.name}</a></td>
        <td class="num">${w(l.durationMs)}</td></tr>`)}
    </tbody></table>
  </div>`}var De={search:{label:"Search",render:e=>p`<${yt} params=${e.params} />`},red:{label:"RED",render:e=>p`<${Rt} params=${e.params} />`},metrics:{label:"Metrics",render:e=>p`<${Nt} params=${e.params} />`},live:{label:"Live tail",render:e=>p`<${It} params=${e.params} />`},trace:{render:e=>p`<${Ct} traceId=${e.arg} params=${e.params} />`}};function $n(){let e=ft(),t=De[e.view]||De.search;return p`<div class="app">
    <header class="top"><a class="brand" href="#/search">ollygraph</a>
      <nav aria-label="Views"><ul>
        ${Object.entries(De).filter(([,n])=>n.label).map(([n,r])=>p`<li>
          <a href=${R(n)} aria-current=${e.view===n?"page":void 0}>${r.label}</a></li>`)}
        <li><a href="/graphql">GraphiQL</a></li>
      </ul></nav></header>
    <main>${t.render(e)}</main>
  </div>`}Xe(p`<${$n} />`,document.getElementById("app"));})();
